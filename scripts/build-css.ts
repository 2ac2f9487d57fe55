// Compiles the service's one Sass entry into public/app.css.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as sass from 'sass'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const result = sass.compile(join(root, 'src/platform/http/assets/app.scss'), {
  importers: [new sass.NodePackageImporter(root)],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
})
mkdirSync(join(root, 'public'), { recursive: true })
writeFileSync(join(root, 'public/app.css'), result.css)
console.log(`public/app.css written (${Math.round(result.css.length / 1024)} KiB)`)
