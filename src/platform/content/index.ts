/**
 * Content as data, for every feature that keeps it in files (question sets, policies, the ATRS
 * standard, hub content): read a YAML or front-matter Markdown file, check it with a zod schema,
 * and report each problem as `<file>: <path inside the file>: <message> (line N)`.
 * This module knows no feature; each feature brings its own schema and checks.
 */
export { ContentError, type ContentIssue, formatIssue, formatPath, type PathSegment } from './errors.ts'
export { authorMessage, parseNested } from './issues.ts'
export { type LocatedProblem, parseYaml, parseYamlWith, validateContent, type YamlContent, type YamlOptions } from './yaml.ts'
export { type FrontMatterContent, parseFrontMatter } from './frontMatter.ts'
export {
  type ContentFile, contentPath, fileLabel, listContentFiles, loadMarkdownWith, loadYaml, loadYamlWith, readContentFile, REPO_ROOT,
} from './files.ts'
