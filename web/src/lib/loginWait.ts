// Waits for a QR sign-in to complete: server-sent events first, long-polling when the
// stream cannot be opened or breaks (old proxies, some in-app browsers).
import { ApiError } from '../api/problem'
import { readEvents } from '../api/sse'
import type { TokenPair } from '../api/tokens'
import { api } from './api'

export type LoginOutcome = { kind: 'completed'; pair: TokenPair } | { kind: 'expired' } | { kind: 'failed'; error: ApiError }

type Status = { status: 'pending'; expires_at: string } | ({ status: 'completed' } & TokenPair)

function outcomeOf(status: Status): LoginOutcome | null {
  return status.status === 'completed' ? { kind: 'completed', pair: status } : null
}

function failure(error: unknown): LoginOutcome {
  if (error instanceof ApiError && (error.code === 'login_expired' || error.code === 'login_already_used')) return { kind: 'expired' }
  return { kind: 'failed', error: error instanceof ApiError ? error : new ApiError(0, 'network', String(error)) }
}

export async function waitForLogin(loginId: string, expiresAt: number, signal: AbortSignal): Promise<LoginOutcome> {
  const path = `/api/v1/auth/wechat/logins/${encodeURIComponent(loginId)}`
  try {
    const response = await api.send('GET', path + '/events', { signal, headers: { accept: 'text/event-stream' } })
    for await (const event of readEvents(response)) {
      if (event.event === 'completed') return outcomeOf(JSON.parse(event.data) as Status) ?? { kind: 'expired' }
      if (event.event === 'pending') return { kind: 'expired' }
      if (event.event === 'failed') {
        const problem = JSON.parse(event.data)
        return failure(new ApiError(problem.status ?? 400, problem.code ?? 'failed', problem.detail ?? problem.title, problem))
      }
    }
  } catch (error) {
    if (signal.aborted) throw error
    if (error instanceof ApiError && error.status >= 400 && error.status < 500) return failure(error)
  }
  return longPoll(path, expiresAt, signal)
}

async function longPoll(path: string, expiresAt: number, signal: AbortSignal): Promise<LoginOutcome> {
  while (!signal.aborted && Date.now() < expiresAt + 2000) {
    try {
      const status = await api.get<Status>(path, { query: { timeout_secs: 25 }, signal })
      const outcome = outcomeOf(status)
      if (outcome) return outcome
    } catch (error) {
      if (signal.aborted) throw error
      if (error instanceof ApiError && error.status > 0 && error.status < 500) return failure(error)
      await new Promise((resolve) => setTimeout(resolve, 2000))
    }
  }
  return { kind: 'expired' }
}
