// Starts the real backend (target/debug/yujie, or YUJIE_E2E_BINARY) in local mode on a free
// port with a throw-away database, serving the built app from web/dist, and stops it after
// the run. Staff sign in through a real OpenID Connect provider from npm
// (oauth2-mock-server), not the backend's own stand-in: its tokens carry the admin group. Limits are raised so no 429 hides a real answer, except the companion's daily
// quota, which the chat journey uses up on purpose.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { OAuth2Server } from 'oauth2-mock-server'

const root = resolve(import.meta.dirname, '../..')

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))))
    })
  })
}

const RULES = ['login_qr', 'login_wait', 'token_refresh', 'profile_write', 'content_write', 'photo_upload', 'post_create',
  'comment_create', 'report_create', 'reaction', 'order_create', 'companion_message', 'companion_call']

/** The staff identity provider: every sign-in is an admin of the console. */
async function startIdentityProvider(): Promise<OAuth2Server> {
  const provider = new OAuth2Server()
  await provider.issuer.keys.generate('RS256')
  provider.service.on('beforeTokenSigning', (token) => {
    Object.assign(token.payload, { name: '管理员（e2e）', groups: ['yujie-admins'] })
  })
  await provider.start(await freePort(), '127.0.0.1')
  return provider
}

export default async function globalSetup() {
  const dir = mkdtempSync(join(tmpdir(), 'yujie-e2e-'))
  const [publicPort, staffPort] = [await freePort(), await freePort()]
  const provider = await startIdentityProvider()
  const config = ['[http.rate_limits]', ...RULES.map((rule) => `${rule} = { limit = 100000, window_secs = 60 }`)].join('\n')
  writeFileSync(join(dir, 'config.toml'), config + '\n')
  const binary = process.env.YUJIE_E2E_BINARY ?? join(root, 'target/debug/yujie')
  const log = createWriteStream(join(dir, 'server.log'))
  const server = spawn(binary, ['serve', '--config', join(dir, 'config.toml')], {
    cwd: root,
    env: {
      ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('YUJIE_E2E_'))),
      YUJIE_DATABASE__URL: `sqlite://${dir}/yujie.db?mode=rwc`,
      YUJIE_STORAGE__LOCAL_DIR: join(dir, 'objects'),
      YUJIE_BILLING__LOCAL_KEYS_FILE: join(dir, 'keys.json'),
      YUJIE_PUBLIC__BIND: `127.0.0.1:${publicPort}`,
      YUJIE_STAFF__BIND: `127.0.0.1:${staffPort}`,
      YUJIE_WEB__DIR: process.env.YUJIE_E2E_WEB_DIR ?? join(root, 'web/dist'),
      YUJIE_LOG__FILTER: 'warn',
      YUJIE_ADMIN__OIDC__ISSUER: provider.issuer.url ?? '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  server.stdout.pipe(log)
  server.stderr.pipe(log)
  const base = `http://127.0.0.1:${publicPort}`
  for (let attempt = 0; ; attempt++) {
    if (server.exitCode !== null) throw new Error(`the backend exited (${server.exitCode}); see ${dir}/server.log`)
    try {
      if ((await fetch(base + '/healthz')).ok) break
    } catch {
      // not listening yet
    }
    if (attempt > 120) throw new Error('the backend did not start within 60 s')
    await new Promise((done) => setTimeout(done, 500))
  }
  const index = await fetch(base + '/')
  if (!(await index.text()).includes('<div id="app">')) throw new Error('web/dist is not built: run `npm run build` first')
  process.env.YUJIE_E2E_URL = base
  process.env.YUJIE_E2E_STAFF = `http://127.0.0.1:${staffPort}`
  return async () => {
    server.kill('SIGTERM')
    await new Promise((done) => server.once('exit', done))
    await provider.stop()
    if (!process.env.YUJIE_E2E_KEEP) rmSync(dir, { recursive: true, force: true })
  }
}
