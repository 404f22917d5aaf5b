// Fails when src/api/schema.ts is not what openapi-typescript makes of src/api/openapi.json
// (the backend's own test fails when that document is stale). Fix: `npm run api:types`.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const dir = mkdtempSync(join(tmpdir(), 'yujie-api-types-'))
try {
  const fresh = join(dir, 'schema.ts')
  execFileSync('npx', ['openapi-typescript', 'src/api/openapi.json', '-o', fresh], { stdio: 'ignore' })
  if (readFileSync(fresh, 'utf8') !== readFileSync('src/api/schema.ts', 'utf8')) {
    console.error('src/api/schema.ts is stale: run `npm run api:types` in web/')
    process.exit(1)
  }
  console.log('API types match src/api/openapi.json')
} finally {
  rmSync(dir, { recursive: true, force: true })
}
