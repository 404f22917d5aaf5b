// Starts the real backend (target/debug/yujie, or YUJIE_E2E_BINARY) in local mode on free
// ports with a throw-away database, serving the built app (web/dist) and the staff console
// (web/dist-console), and stops it after the run. Staff sign in to it through the
// backend's own OIDC stand-in, as a newcomer does after `make run`. A second backend has a
// real OpenID Connect provider from npm (oauth2-mock-server) as its company sign-in, whose
// tokens carry the admin group. Limits are raised so no 429 hides a real answer, except
// the companion's daily quota, which the chat journey uses up on purpose.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync, createWriteStream } from 'node:fs'
import { createServer as createHttpServer, type Server } from 'node:http'
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

/**
 * What the provider gets wrong in its next token answers, set by a test with
 * `PUT <YUJIE_E2E_OIDC_CONTROL>/fault` (body: the fault's name; `none` to behave).
 */
type Fault = 'none' | 'tampered' | 'issuer' | 'audience' | 'expired' | 'nonce' | 'no-role'
let fault: Fault = 'none'

/**
 * The staff identity provider: every sign-in is an admin of the console, unless a fault is
 * set. The role is in a `roles` claim with a company's own value, as the backend is
 * configured; the default `groups` claim says moderator, so a backend that read it, or the
 * default values, would not make them an admin.
 */
async function startIdentityProvider(): Promise<OAuth2Server> {
  const provider = new OAuth2Server()
  await provider.issuer.keys.generate('RS256')
  provider.service.on('beforeTokenSigning', (token) => {
    const now = Math.floor(Date.now() / 1000)
    Object.assign(token.payload, {
      name: '管理员（e2e）',
      roles: fault === 'no-role' ? [] : ['console-admin'],
      groups: ['yujie-moderators'],
    })
    if (fault === 'issuer') token.payload.iss = 'https://another-issuer.example'
    if (fault === 'audience') token.payload.aud = 'another-client'
    if (fault === 'expired') Object.assign(token.payload, { iat: now - 7200, exp: now - 3600 })
    if (fault === 'nonce' && 'nonce' in token.payload) token.payload.nonce = 'not-the-nonce-of-this-sign-in'
  })
  provider.service.on('beforeResponse', (response) => {
    const body = response.body as { id_token?: string }
    if (fault !== 'tampered' || !body.id_token) return
    // Another name in the payload, the provider's signature kept: the signature no longer matches.
    const [header, payload, signature] = body.id_token.split('.')
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
    const forged = Buffer.from(JSON.stringify({ ...claims, name: '冒充者' })).toString('base64url')
    body.id_token = [header, forged, signature].join('.')
  })
  await provider.start(await freePort(), '127.0.0.1')
  return provider
}

/** The test's switch for the provider's faults. */
async function startFaultControl(): Promise<Server> {
  const control = createHttpServer((request, response) => {
    let body = ''
    request.on('data', (chunk) => (body += chunk))
    request.on('end', () => {
      fault = body.trim() as Fault
      response.writeHead(204).end()
    })
  })
  await new Promise<void>((done) => control.listen(0, '127.0.0.1', done))
  return control
}

interface Backend {
  base: string
  staff: string
  stop: () => Promise<void>
}

async function startBackend(name: string, env: Record<string, string>): Promise<Backend> {
  const dir = mkdtempSync(join(tmpdir(), `yujie-e2e-${name}-`))
  const [publicPort, staffPort] = [await freePort(), await freePort()]
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
      YUJIE_WEB__CONSOLE_DIR: process.env.YUJIE_E2E_CONSOLE_DIR ?? join(root, 'web/dist-console'),
      YUJIE_LOG__FILTER: 'warn',
      ...env,
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
  const stop = async () => {
    server.kill('SIGTERM')
    await new Promise((done) => server.once('exit', done))
    if (!process.env.YUJIE_E2E_KEEP) rmSync(dir, { recursive: true, force: true })
  }
  return { base, staff: `http://127.0.0.1:${staffPort}`, stop }
}

export default async function globalSetup() {
  const backend = await startBackend('app', {})
  const index = await fetch(backend.base + '/')
  if (!(await index.text()).includes('<div id="app">')) throw new Error('web/dist is not built: run `npm run build` first')
  const staffConsole = await fetch(backend.staff + '/staff/')
  if (!(await staffConsole.text()).includes('<div id="app">')) throw new Error('web/dist-console is not built: run `npm run build` first')
  const provider = await startIdentityProvider()
  const control = await startFaultControl()
  const withProvider = await startBackend('oidc', {
    YUJIE_ADMIN__OIDC__ISSUER: provider.issuer.url ?? '',
    YUJIE_ADMIN__OIDC__ROLES_CLAIM: 'roles',
    YUJIE_ADMIN__OIDC__ADMIN_VALUES: '["console-admin"]',
  })
  const controlAddress = control.address()
  if (typeof controlAddress !== 'object' || !controlAddress) throw new Error('the fault control is not listening')
  process.env.YUJIE_E2E_URL = backend.base
  process.env.YUJIE_E2E_STAFF = backend.staff
  process.env.YUJIE_E2E_OIDC_STAFF = withProvider.staff
  process.env.YUJIE_E2E_OIDC_CONTROL = `http://127.0.0.1:${controlAddress.port}`
  return async () => {
    await Promise.all([backend.stop(), withProvider.stop()])
    await provider.stop()
    control.close()
  }
}
