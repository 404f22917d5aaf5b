// The one place that talks HTTP to the backend. It adds the access token, and when a
// request answers 401 it refreshes the session once (concurrent 401s share the same
// refresh, since a refresh token is single-use: presenting it twice would revoke the
// whole session) and retries the request once. Every error becomes an ApiError.
import { ApiError, networkError, problemFrom } from './problem'
import type { TokenPair, TokenStore } from './tokens'

export type Query = Record<string, string | number | boolean | undefined | null>

export interface RequestOptions {
  query?: Query
  /** JSON body. */
  body?: unknown
  /** Multipart body (uploads). */
  form?: FormData
  signal?: AbortSignal
  /** Extra headers, e.g. Accept for event streams. */
  headers?: Record<string, string>
}

export interface ClientOptions {
  /** '' for the same origin, or e.g. https://api.example.com for a static site elsewhere. */
  baseUrl: string
  tokens: TokenStore
  fetch?: typeof fetch
  /** Called when the session is gone for good (refresh refused). */
  onSignedOut?: () => void
}

export class ApiClient {
  private refreshing: Promise<boolean> | null = null
  private readonly fetchImpl: typeof fetch

  constructor(private readonly options: ClientOptions) {
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init))
  }

  get baseUrl(): string {
    return this.options.baseUrl
  }

  get tokens(): TokenStore {
    return this.options.tokens
  }

  url(path: string, query?: Query): string {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value))
    }
    const search = params.toString()
    return this.options.baseUrl + path + (search ? '?' + search : '')
  }

  get<T>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('GET', path, options)
  }
  post<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('POST', path, { ...options, body })
  }
  put<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('PUT', path, { ...options, body })
  }
  patch<T>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('PATCH', path, { ...options, body })
  }
  delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.json<T>('DELETE', path, options)
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options)
    if (response.status === 204) return undefined as T
    const text = await response.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  /** The raw successful response (for streams); errors are thrown as ApiError. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const sentWith = this.options.tokens.get()?.access
    let response = await this.attempt(method, path, options)
    if (response.status === 401 && sentWith && (await this.refreshAfter(sentWith))) {
      response = await this.attempt(method, path, options)
    }
    if (!response.ok) throw await problemFrom(response)
    return response
  }

  /**
   * A multipart upload with progress (fetch cannot report upload progress), with the
   * same refresh-and-retry-once on 401 and the same errors.
   */
  async upload<T>(method: string, path: string, form: FormData, onProgress?: (fraction: number) => void): Promise<T> {
    const sentWith = this.options.tokens.get()?.access
    let response = await this.xhr(method, path, form, onProgress)
    if (response.status === 401 && sentWith && (await this.refreshAfter(sentWith))) {
      response = await this.xhr(method, path, form, onProgress)
    }
    if (!response.ok) throw await problemFrom(response)
    const text = await response.text()
    return (text ? JSON.parse(text) : undefined) as T
  }

  private xhr(method: string, path: string, form: FormData, onProgress?: (fraction: number) => void): Promise<Response> {
    return new Promise((resolve, reject) => {
      const request = new XMLHttpRequest()
      request.open(method, this.url(path))
      request.setRequestHeader('accept', 'application/json')
      const access = this.options.tokens.get()?.access
      if (access) request.setRequestHeader('authorization', 'Bearer ' + access)
      request.upload.onprogress = (event) => {
        if (event.lengthComputable) onProgress?.(event.loaded / event.total)
      }
      request.onload = () => {
        const headers = new Headers()
        for (const line of request.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
          const colon = line.indexOf(':')
          if (colon > 0) headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim())
        }
        resolve(new Response(request.status === 204 ? null : request.responseText, { status: request.status, headers }))
      }
      request.onerror = () => reject(networkError(new Error('upload failed')))
      request.send(form)
    })
  }

  /**
   * Refreshes the session, once for all requests that failed with the same token: once in
   * this tab (one shared promise), and once across tabs (a Web Lock; a tab that gets the
   * lock after another refreshed finds newer tokens in the shared storage and uses them).
   */
  private refreshAfter(failedAccess: string): Promise<boolean> {
    const current = this.options.tokens.get()
    if (current && current.access !== failedAccess) return Promise.resolve(true)
    if (!this.refreshing) {
      const locks = typeof navigator === 'undefined' ? undefined : navigator.locks
      const refresh = () => this.refresh(failedAccess)
      // request() resolves with the callback's awaited value (the DOM typings say a promise).
      const held = locks
        ? locks.request('yujie.session-refresh', refresh).then((refreshed) => refreshed as unknown as boolean)
        : refresh()
      this.refreshing = held.finally(() => (this.refreshing = null))
    }
    return this.refreshing
  }

  private async refresh(failedAccess: string): Promise<boolean> {
    const tokens = this.options.tokens.get()
    if (!tokens) return false
    if (tokens.access !== failedAccess) return true
    let response: Response
    try {
      response = await this.fetchImpl(this.url('/api/v1/auth/refresh'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refresh_token: tokens.refresh }),
      })
    } catch {
      return false // offline: keep the tokens, the next request tries again
    }
    if (!response.ok) {
      if (response.status === 401 || response.status === 403) {
        this.options.tokens.set(null)
        this.options.onSignedOut?.()
      }
      return false
    }
    const pair = (await response.json()) as TokenPair
    this.options.tokens.set({ access: pair.access_token, refresh: pair.refresh_token })
    return true
  }

  private async attempt(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers }
    const access = this.options.tokens.get()?.access
    if (access) headers.authorization = 'Bearer ' + access
    let body: BodyInit | undefined
    if (options.form) body = options.form
    else if (options.body !== undefined) {
      headers['content-type'] = 'application/json'
      body = JSON.stringify(options.body)
    }
    try {
      return await this.fetchImpl(this.url(path, options.query), { method, headers, body, signal: options.signal })
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
      throw networkError(cause)
    }
  }
}

export { ApiError }
