import { describe, expect, it, vi } from 'vitest'
import { ApiClient } from '../src/api/client'
import { ApiError } from '../src/api/problem'
import { memoryTokenStore } from '../src/api/tokens'

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } })
const problem = (status: number, code: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ type: `/problems/${code}`, title: code, status, code, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  })

function pair(n: number) {
  return { access_token: `access-${n}`, refresh_token: `refresh-${n}`, token_type: 'Bearer', user: {} }
}

/** A backend where `access-<n>` is valid only for the newest n, and a refresh token works once. */
function backend() {
  let current = 1
  const refreshes: string[] = []
  const fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const path = String(url)
    if (path.endsWith('/api/v1/auth/refresh')) {
      const token = JSON.parse(String(init?.body)).refresh_token
      refreshes.push(token)
      if (token !== `refresh-${current}`) return problem(401, 'refresh_token_reused')
      current += 1
      await new Promise((resolve) => setTimeout(resolve, 5))
      return json(200, pair(current))
    }
    const auth = new Headers(init?.headers).get('authorization')
    if (auth !== `Bearer access-${current}`) return problem(401, 'token_expired')
    return json(200, { path, auth })
  })
  return { fetch, refreshes, expire: () => (current += 0) }
}

describe('ApiClient token refresh', () => {
  it('refreshes once for two concurrent 401s and retries both', async () => {
    const server = backend()
    const tokens = memoryTokenStore({ access: 'access-0', refresh: 'refresh-1' })
    const client = new ApiClient({ baseUrl: '', tokens, fetch: server.fetch as typeof fetch })
    // access-0 is stale: both requests get a 401, one refresh serves both.
    const [a, b] = await Promise.all([client.get<{ auth: string }>('/a'), client.get<{ auth: string }>('/b')])
    expect(server.refreshes).toEqual(['refresh-1'])
    expect(a.auth).toBe('Bearer access-2')
    expect(b.auth).toBe('Bearer access-2')
    expect(tokens.get()).toEqual({ access: 'access-2', refresh: 'refresh-2' })
  })

  it('a request that failed with an older token retries with the newer one without refreshing', async () => {
    const server = backend()
    const tokens = memoryTokenStore({ access: 'access-0', refresh: 'refresh-1' })
    const client = new ApiClient({ baseUrl: '', tokens, fetch: server.fetch as typeof fetch })
    await client.get('/first')
    expect(server.refreshes).toHaveLength(1)
    await client.get('/second')
    expect(server.refreshes).toHaveLength(1)
  })

  it('signs out when the refresh token is refused, and the error reaches the caller', async () => {
    const fetch = vi.fn(async (url: string | URL | Request) =>
      String(url).endsWith('/refresh') ? problem(401, 'refresh_token_invalid') : problem(401, 'token_expired'),
    )
    const tokens = memoryTokenStore({ access: 'old', refresh: 'gone' })
    const signedOut = vi.fn()
    const client = new ApiClient({ baseUrl: '', tokens, fetch: fetch as typeof globalThis.fetch, onSignedOut: signedOut })
    await expect(client.get('/me')).rejects.toMatchObject({ status: 401, code: 'token_expired' })
    expect(tokens.get()).toBeNull()
    expect(signedOut).toHaveBeenCalledOnce()
  })

  it('never refreshes a request that was sent without a token', async () => {
    const fetch = vi.fn(async () => problem(401, 'unauthenticated'))
    const client = new ApiClient({ baseUrl: '', tokens: memoryTokenStore(), fetch: fetch as typeof globalThis.fetch })
    await expect(client.get('/me')).rejects.toBeInstanceOf(ApiError)
    expect(fetch).toHaveBeenCalledOnce()
  })
})

describe('ApiClient refresh across tabs', () => {
  it('takes the tokens another tab refreshed while this one waited for the lock', async () => {
    const server = backend()
    const tokens = memoryTokenStore({ access: 'access-0', refresh: 'refresh-1' })
    // The lock is held by "another tab", which refreshes and writes the shared storage.
    let releaseLock: () => void = () => {}
    const held = new Promise<void>((resolve) => (releaseLock = resolve))
    vi.stubGlobal('navigator', {
      locks: {
        request: async (_name: string, callback: () => Promise<boolean>) => {
          await held
          return callback()
        },
      },
    })
    try {
      const client = new ApiClient({ baseUrl: '', tokens, fetch: server.fetch as typeof fetch })
      const answer = client.get<{ auth: string }>('/a')
      await new Promise((resolve) => setTimeout(resolve, 10))
      const other = await server.fetch('/api/v1/auth/refresh', { method: 'POST', body: JSON.stringify({ refresh_token: 'refresh-1' }) })
      const pair = await other.json()
      tokens.set({ access: pair.access_token, refresh: pair.refresh_token })
      releaseLock()
      expect((await answer).auth).toBe('Bearer access-2')
      expect(server.refreshes).toEqual(['refresh-1']) // this tab never presented the used token
    } finally {
      vi.unstubAllGlobals()
    }
  })
})

describe('ApiClient errors', () => {
  it('maps a problem+json body, its field errors and Retry-After', async () => {
    const fetch = vi.fn(async () =>
      problem(422, 'invalid_field', { detail: 'nickname: too long', errors: [{ field: 'nickname', message: 'too long' }] }),
    )
    const client = new ApiClient({ baseUrl: '', tokens: memoryTokenStore(), fetch: fetch as typeof globalThis.fetch })
    const error = (await client.patch('/api/v1/me', { nickname: 'x' }).catch((caught) => caught)) as ApiError
    expect(error.status).toBe(422)
    expect(error.code).toBe('invalid_field')
    expect(error.fieldMessage('nickname')).toBe('too long')
    expect(error.message).toBe('nickname: too long')

    const limited = vi.fn(async () => problem(429, 'rate_limited', {}, { 'retry-after': '17' }))
    const client2 = new ApiClient({ baseUrl: '', tokens: memoryTokenStore(), fetch: limited as typeof globalThis.fetch })
    await expect(client2.post('/x')).rejects.toMatchObject({ status: 429, code: 'rate_limited', retryAfter: 17 })
  })

  it('turns a non-JSON error and a network failure into ApiErrors', async () => {
    const html = vi.fn(async () => new Response('<h1>Bad gateway</h1>', { status: 502, statusText: 'Bad Gateway' }))
    const client = new ApiClient({ baseUrl: '', tokens: memoryTokenStore(), fetch: html as typeof globalThis.fetch })
    await expect(client.get('/x')).rejects.toMatchObject({ status: 502, code: 'http_502' })

    const offline = vi.fn(async () => {
      throw new TypeError('Failed to fetch')
    })
    const client2 = new ApiClient({ baseUrl: '', tokens: memoryTokenStore(), fetch: offline as typeof globalThis.fetch })
    await expect(client2.get('/x')).rejects.toMatchObject({ status: 0, code: 'network' })
  })

  it('builds URLs on the base and drops empty query values', async () => {
    const fetch = vi.fn(async (_url: string) => json(200, {}))
    const client = new ApiClient({ baseUrl: 'https://api.example.com', tokens: memoryTokenStore(), fetch: fetch as typeof globalThis.fetch })
    await client.get('/api/v1/posts', { query: { sort: 'hot', cursor: undefined, limit: 20, q: '' } })
    expect(fetch.mock.calls[0][0]).toBe('https://api.example.com/api/v1/posts?sort=hot&limit=20')
  })
})
