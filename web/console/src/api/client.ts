// The console's one way to the backend: same-origin requests carrying the staff session
// cookie, the session's CSRF token on every state-changing request, and every error as an
// ApiError. A 401 means the session is gone: onSignedOut runs before the error is thrown.
import { networkError, problemFrom } from './problem'

export type Query = Record<string, string | number | null | undefined>

export interface SendOptions {
  query?: Query
  /** A JSON body. */
  json?: unknown
  /** A plain-text body (UTF-8). */
  text?: string
}

export class StaffClient {
  /** From GET /me; sent as X-CSRF-Token on every non-GET request. */
  csrfToken: string | null = null
  onSignedOut: (() => void) | null = null
  private readonly fetchImpl: typeof fetch

  constructor(
    private readonly baseUrl: string,
    fetchImpl?: typeof fetch,
  ) {
    this.fetchImpl = fetchImpl ?? ((input, init) => fetch(input, init))
  }

  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
    }
    const search = params.toString()
    return this.baseUrl + path + (search ? '?' + search : '')
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.send<T>('GET', path, { query })
  }

  async send<T>(method: string, path: string, options: SendOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (method !== 'GET' && this.csrfToken) headers['x-csrf-token'] = this.csrfToken
    let body: string | undefined
    if (options.json !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.json)
    } else if (options.text !== undefined) {
      headers['content-type'] = 'text/plain; charset=utf-8'
      body = options.text
    }
    let response: Response
    try {
      response = await this.fetchImpl(this.url(path, options.query), { method, headers, body, credentials: 'same-origin' })
    } catch (cause) {
      throw networkError(cause)
    }
    if (!response.ok) {
      const error = await problemFrom(response)
      if (response.status === 401) {
        this.csrfToken = null
        this.onSignedOut?.()
      }
      throw error
    }
    const text = response.status === 204 ? '' : await response.text()
    return (text ? JSON.parse(text) : undefined) as T
  }
}
