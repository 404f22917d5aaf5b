// Waits until an order leaves `pending`: the order's event stream first, long-polling
// when the stream cannot be held open, retrying with a backoff through network and
// server errors (a refusal, 4xx, ends the wait).
import type { components } from '../api/schema'
import { ApiError } from '../api/problem'
import { readEvents } from '../api/sse'
import { api } from './api'

export type Order = components['schemas']['OrderView']

const MAX_BACKOFF_MS = 15_000

function refused(error: unknown): boolean {
  return error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429
}

export async function waitForOrder(orderId: string, signal: AbortSignal): Promise<Order> {
  const path = `/api/v1/billing/orders/${encodeURIComponent(orderId)}`
  try {
    const response = await api.send('GET', path + '/events', { signal, headers: { accept: 'text/event-stream' } })
    for await (const event of readEvents(response)) {
      if (event.event === 'order') {
        const order = JSON.parse(event.data) as Order
        if (order.state !== 'pending') return order
      }
    }
  } catch (error) {
    if (signal.aborted || refused(error)) throw error
  }
  let backoff = 1000
  for (;;) {
    try {
      const order = await api.get<Order>(path, { query: { wait_secs: 25 }, signal })
      if (order.state !== 'pending') return order
      backoff = 1000
    } catch (error) {
      if (signal.aborted || refused(error)) throw error
      await new Promise((resolve) => setTimeout(resolve, backoff))
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)
    }
  }
}
