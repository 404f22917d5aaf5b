import { describe, expect, it, vi } from 'vitest'
import { CursorPager, type Page } from '../src/api/paging'

type Item = { id: string }
const items = (...ids: string[]): Item[] => ids.map((id) => ({ id }))

describe('CursorPager', () => {
  it('follows next_cursor until the last page and drops items seen twice', async () => {
    const pages: Record<string, Page<Item>> = {
      start: { items: items('5', '4'), next_cursor: 'c1' },
      c1: { items: items('4', '3'), next_cursor: 'c2' }, // '4' moved down while paging
      c2: { items: items('2') },
    }
    const load = vi.fn(async (cursor: string | undefined) => pages[cursor ?? 'start'])
    const pager = new CursorPager<Item>(load)
    expect(await pager.next()).toBe(2)
    expect(await pager.next()).toBe(1)
    expect(await pager.next()).toBe(1)
    expect(pager.finished).toBe(true)
    expect(await pager.next()).toBe(0)
    expect(pager.items.map((item) => item.id)).toEqual(['5', '4', '3', '2'])
    expect(load.mock.calls.map(([cursor]) => cursor)).toEqual([undefined, 'c1', 'c2'])
  })

  it('a load asked for while a page is in flight settles only when that page has arrived', async () => {
    let release: (page: Page<Item>) => void = () => {}
    const load = vi.fn(() => new Promise<Page<Item>>((resolve) => (release = resolve)))
    const pager = new CursorPager<Item>(load)
    const first = pager.next()
    let settled = false
    const second = pager.next().then((count) => {
      settled = true
      return count
    })
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(settled).toBe(false) // an infinite list told "nothing new" at once would ask again in a loop
    release({ items: items('a'), next_cursor: 'c' })
    expect(await first).toBe(1)
    expect(await second).toBe(0)
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('serializes loads and lets a reset win over a page still in flight', async () => {
    const pending: Array<(page: Page<Item>) => void> = []
    const load = vi.fn(() => new Promise<Page<Item>>((resolve) => pending.push(resolve)))
    const pager = new CursorPager<Item>(load)
    const first = pager.next()
    const waiting = pager.next() // already loading: waits for that page, no second request
    expect(load).toHaveBeenCalledTimes(1)
    const fresh = pager.reset()
    expect(load).toHaveBeenCalledTimes(2)
    pending[1]({ items: items('a'), next_cursor: 'c' })
    pending[0]({ items: items('stale') })
    expect(await fresh).toBe(1)
    expect(await first).toBe(0)
    expect(await waiting).toBe(0)
    expect(pager.items.map((item) => item.id)).toEqual(['a'])
    expect(pager.finished).toBe(false)
  })
})
