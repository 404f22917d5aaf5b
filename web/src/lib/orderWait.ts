// Waits until an order leaves `pending`: the order's event stream first, long-polling
// when the stream cannot be held open.
import type { components } from '../api/schema'
import { ApiError } from '../api/problem'
import { readEvents } from '../api/sse'
import { api } from './api'

export type Order = components['schemas']['OrderView']

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
    if (signal.aborted) throw error
    if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 429) throw error
  }
  for (;;) {
    const order = await api.get<Order>(path, { query: { wait_secs: 25 }, signal })
    if (order.state !== 'pending') return order
  }
}
