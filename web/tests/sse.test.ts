import { describe, expect, it } from 'vitest'
import { parseBlock, readEvents } from '../src/api/sse'

function streamOf(...chunks: string[]): Response {
  const encoder = new TextEncoder()
  return new Response(
    new ReadableStream({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(encoder.encode(chunk))
        controller.close()
      },
    }),
  )
}

describe('server-sent events', () => {
  it('reads events split anywhere across chunks, skipping comments (keep-alives)', async () => {
    const response = streamOf('event: reply\nda', 'ta: {"kind":"delta","text":"你"}\n', '\n:\n\nevent: reply\r\ndata: {"kind":"done"}\r\n\r\n')
    const events = []
    for await (const event of readEvents(response)) events.push(event)
    expect(events).toEqual([
      { event: 'reply', data: '{"kind":"delta","text":"你"}' },
      { event: 'reply', data: '{"kind":"done"}' },
    ])
  })

  it('joins multi-line data and defaults the event name', () => {
    expect(parseBlock('data: a\ndata: b')).toEqual({ event: 'message', data: 'a\nb' })
    expect(parseBlock(': only a comment')).toBeNull()
  })
})
