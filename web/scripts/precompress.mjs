// Writes a .gz beside each compressible file of dist/ (or of the directory given, e.g.
// dist-console for the staff console), so that the binary's file server
// (tower-http ServeDir with precompressed_gzip) sends it to browsers that accept gzip:
// compressed once at build time instead of on every request.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync, constants } from 'node:zlib'

const COMPRESSIBLE = /\.(js|css|html|svg|json|txt)$/
const MIN_BYTES = 1024

function walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) walk(path)
    else if (COMPRESSIBLE.test(name) && statSync(path).size >= MIN_BYTES) {
      writeFileSync(path + '.gz', gzipSync(readFileSync(path), { level: constants.Z_BEST_COMPRESSION }))
    }
  }
}

walk(process.argv[2] ?? 'dist')
