// Errors as the console API sends them (RFC 7807 problem+json), as one error type: the
// message to show (the problem's detail, else its title) and each invalid field's message.
import type { Problem } from './types'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** Field name → message, for errors shown beside a form's fields. */
  readonly fields: Record<string, string>

  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.fields = fields
  }
}

/** A non-2xx response as an ApiError, whatever its body. */
export async function problemFrom(response: Response): Promise<ApiError> {
  const fallback = response.statusText || 'HTTP ' + response.status
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      const problem = (await response.json()) as Problem
      if (problem && typeof problem.code === 'string') {
        const fields = Object.fromEntries((problem.errors ?? []).map((error) => [error.field, error.message]))
        return new ApiError(response.status, problem.code, problem.detail || problem.title || fallback, fields)
      }
    } catch {
      // not the JSON it claimed to be: the generic message below
    }
  }
  return new ApiError(response.status, 'http_' + response.status, fallback)
}

/** The error a failed fetch (offline, reset) becomes. */
export function networkError(cause: unknown): ApiError {
  return new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause))
}
