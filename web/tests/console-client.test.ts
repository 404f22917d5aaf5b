import { describe, expect, it, vi } from 'vitest'
import { StaffClient } from '../console/src/api/client'
import { ApiError } from '../console/src/api/problem'

const problem = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify({ type: 'about:blank', title: 'Error', status, ...body }), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  })

function clientAnswering(response: () => Response) {
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => response())
  const client = new StaffClient('/staff/admin', fetch as typeof globalThis.fetch)
  const sent = (n = 0) => {
    const [url, init] = fetch.mock.calls[n]
    return { url: String(url), init: init!, headers: new Headers(init?.headers) }
  }
  return { client, fetch, sent }
}

describe('console StaffClient', () => {
  it('sends the CSRF token and the session cookie on a state-changing request, JSON in and out', async () => {
    const { client, sent } = clientAnswering(() => Response.json({ reports: 2, removed: true }))
    client.csrfToken = 'csrf-1'
    const resolved = await client.send('POST', '/reports/post/p1/resolution', { json: { resolution: 'remove', reason: 'spam' } })
    expect(resolved).toEqual({ reports: 2, removed: true })
    const { url, init, headers } = sent()
    expect(url).toBe('/staff/admin/reports/post/p1/resolution')
    expect(init.credentials).toBe('same-origin')
    expect(headers.get('x-csrf-token')).toBe('csrf-1')
    expect(headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(String(init.body))).toEqual({ resolution: 'remove', reason: 'spam' })
  })

  it('sends no CSRF token on a GET, and leaves empty query values out', async () => {
    const { client, sent } = clientAnswering(() => Response.json([]))
    client.csrfToken = 'csrf-1'
    await client.get('/reports', { kind: 'post', reason: undefined, limit: 50, q: '' })
    expect(sent().url).toBe('/staff/admin/reports?kind=post&limit=50')
    expect(sent().headers.has('x-csrf-token')).toBe(false)
    expect(sent().init.credentials).toBe('same-origin')
  })

  it('sends a plain-text body as UTF-8 text', async () => {
    const { client, sent } = clientAnswering(() => Response.json({ added: 1, replaced: 0, skipped: [] }))
    await client.send('POST', '/safety/words/import', { text: '赌球\n', query: { list: 'deny' } })
    expect(sent().url).toBe('/staff/admin/safety/words/import?list=deny')
    expect(sent().headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(sent().init.body).toBe('赌球\n')
  })

  it('answers undefined for 204', async () => {
    const { client } = clientAnswering(() => new Response(null, { status: 204 }))
    await expect(client.send('POST', '/auth/logout')).resolves.toBeUndefined()
  })

  it('maps a 401 to signed out: the hook runs, the token is dropped, the error is thrown', async () => {
    const { client } = clientAnswering(() => problem(401, { code: 'unauthenticated', detail: 'sign in first' }))
    const signedOut = vi.fn()
    client.onSignedOut = signedOut
    client.csrfToken = 'csrf-1'
    await expect(client.get('/me')).rejects.toMatchObject({ status: 401 })
    expect(signedOut).toHaveBeenCalledOnce()
    expect(client.csrfToken).toBeNull()
  })

  it("shows a problem's detail, else its title, and keeps each field's message", async () => {
    const { client } = clientAnswering(() =>
      problem(400, { code: 'invalid', detail: 'reason: too long', errors: [{ field: 'reason', message: 'too long' }] }),
    )
    const error = await client.send('PUT', '/users/u1/ban', { json: {} }).catch((caught) => caught)
    expect(error).toBeInstanceOf(ApiError)
    expect(error).toMatchObject({ status: 400, code: 'invalid', message: 'reason: too long', fields: { reason: 'too long' } })

    const { client: other } = clientAnswering(() => problem(403, { code: 'forbidden', title: 'Forbidden' }))
    await expect(other.get('/accounts')).rejects.toMatchObject({ status: 403, message: 'Forbidden' })
  })

  it('turns a failed fetch into a network error and a non-JSON error into its status', async () => {
    const offline = new StaffClient('/staff/admin', (async () => {
      throw new TypeError('Failed to fetch')
    }) as typeof fetch)
    await expect(offline.get('/me')).rejects.toMatchObject({ status: 0, code: 'network' })

    const { client } = clientAnswering(() => new Response('bad gateway', { status: 502, statusText: 'Bad Gateway' }))
    await expect(client.get('/me')).rejects.toMatchObject({ status: 502, code: 'http_502', message: 'Bad Gateway' })
  })
})
