// Errors as the server sends them (problem+json), turned into one error type the pages
// show as a message: never raw JSON, never a blank page.
import type { components } from './schema'

export type Problem = components['schemas']['Problem']

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly problem?: Problem
  /** Seconds to wait before trying again (429 and 503 carry Retry-After). */
  readonly retryAfter?: number

  constructor(status: number, code: string, message: string, problem?: Problem, retryAfter?: number) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.problem = problem
    this.retryAfter = retryAfter
  }

  /** The message of the first invalid field, or of the whole problem. */
  fieldMessage(field: string): string | undefined {
    return this.problem?.errors?.find((error) => error.field === field)?.message
  }
}

/** A non-2xx response as an ApiError, whatever its body. */
export async function problemFrom(response: Response): Promise<ApiError> {
  const retry = Number(response.headers.get('retry-after'))
  const retryAfter = Number.isFinite(retry) && retry > 0 ? retry : undefined
  const type = response.headers.get('content-type') ?? ''
  if (type.includes('json')) {
    try {
      const problem = (await response.json()) as Problem
      if (problem && typeof problem.code === 'string') {
        // A field error's detail already reads `field: message`; name each field once.
        const fields = (problem.errors ?? []).map((error) => `${error.field}: ${error.message}`)
        const message = fields.length ? fields.join('；') : (problem.detail ?? problem.title)
        return new ApiError(response.status, problem.code, message, problem, retryAfter)
      }
    } catch {
      // not the JSON it claimed to be: fall through to the generic message
    }
  }
  return new ApiError(response.status, 'http_' + response.status, response.statusText || 'HTTP ' + response.status, undefined, retryAfter)
}

/** The error a failed fetch (offline, DNS, reset) becomes. */
export function networkError(cause: unknown): ApiError {
  const error = new ApiError(0, 'network', cause instanceof Error ? cause.message : String(cause))
  return error
}
