// Keyset-cursor paging for infinite lists: each page answers `items` and `next_cursor`
// (absent on the last page). Loads are serialized; a reset drops a page still in flight.

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export class CursorPager<T> {
  items: T[] = []
  finished = false
  private cursor: string | undefined
  private generation = 0
  private inFlight: Promise<number> | null = null

  constructor(
    private readonly load: (cursor: string | undefined) => Promise<Page<T>>,
    private readonly key: (item: T) => string = (item) => (item as { id: string }).id,
  ) {}

  get loading(): boolean {
    return this.inFlight !== null
  }

  /**
   * Loads the next page; returns how many new items arrived. A call while a page is in
   * flight waits for that one (and answers 0) rather than returning at once: an infinite
   * list that is told "done" at once asks again at once, in a loop that freezes the page.
   */
  next(): Promise<number> {
    if (this.inFlight) return this.inFlight.then(() => 0, () => 0)
    if (this.finished) return Promise.resolve(0)
    const generation = this.generation
    const request = this.fetchPage(generation)
    this.inFlight = request
    const settle = () => {
      if (this.inFlight === request) this.inFlight = null
    }
    request.then(settle, settle)
    return request
  }

  private async fetchPage(generation: number): Promise<number> {
    const page = await this.load(this.cursor)
    if (generation !== this.generation) return 0
    const seen = new Set(this.items.map(this.key))
    const fresh = page.items.filter((item) => !seen.has(this.key(item)))
    this.items = [...this.items, ...fresh]
    this.cursor = page.next_cursor ?? undefined
    this.finished = !page.next_cursor
    return fresh.length
  }

  /** Starts over from the first page (pull to refresh); a page still in flight is dropped. */
  reset(): Promise<number> {
    this.generation += 1
    this.items = []
    this.cursor = undefined
    this.finished = false
    this.inFlight = null
    return this.next()
  }
}
