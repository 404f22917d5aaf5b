// One message out, its reply streamed back: `reply` events over fetch (never
// EventSource, which cannot send the bearer token or a body).
import type { components } from '../../api/schema'
import { readEvents } from '../../api/sse'
import { api } from '../api'

/** What the reply stream says (the server's `ReplySignal`, tagged by `type`). */
export type ReplySignal = components['schemas']['ReplySignal']

/**
 * Sends `text` and calls `onSignal` for each signal as it arrives. Throws the server's
 * refusal (ApiError) before the stream starts; returns when the stream ends.
 */
export async function streamReply(
  conversationId: string,
  text: string,
  onSignal: (signal: ReplySignal) => void,
  signal: AbortSignal,
): Promise<void> {
  const response = await api.send('POST', `/api/v1/companion/conversations/${encodeURIComponent(conversationId)}/messages`, {
    body: { text },
    signal,
    headers: { accept: 'text/event-stream' },
  })
  for await (const event of readEvents(response)) {
    if (event.event !== 'reply') continue
    let parsed: ReplySignal
    try {
      parsed = JSON.parse(event.data) as ReplySignal
    } catch {
      continue
    }
    onSignal(parsed)
  }
}
