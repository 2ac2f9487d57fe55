import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'public/', 'coverage/', 'tmp/', 'test-results/'] },
  js.configs.recommended,
  // Type-aware rules: floating promises, unsafe any, misused promises, needless assertions…
  ...tseslint.configs.recommendedTypeChecked,
  { languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
      'eqeqeq': ['error', 'always', { null: 'ignore' }],
      // Fastify hooks and handlers are async by contract, with or without an await inside.
      '@typescript-eslint/require-await': 'off',
      // node:test's test() and describe() return promises the runner itself awaits.
      '@typescript-eslint/no-floating-promises': ['error', {
        allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'describe', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }],
      }],
    },
  },
  {
    // Rows are typed by the zod schemas in platform/db/rows.ts, not by a type argument (docs/decisions/0004).
    files: ['src/**/*.ts'],
    ignores: ['src/**/*.test.ts', 'src/platform/db/**'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.property.name='query'][typeArguments]",
        message: 'Read rows through a zod schema (many/maybeOne/one in platform/db/rows.ts), not a type argument.',
      }],
    },
  },
  {
    // Tests read JSON answers and then assert on their shape: an untyped body is the point there.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  // Plain browser JavaScript and config files are not part of the TypeScript project.
  { files: ['**/*.js'], ...tseslint.configs.disableTypeChecked },
)
