// Keyset-cursor paging for infinite lists: each page answers `items` and `next_cursor`
// (absent on the last page). Loads are serialized; a reset drops a page still in flight.

export interface Page<T> {
  items: T[]
  next_cursor?: string | null
}

export class CursorPager<T> {
  items: T[] = []
  finished = false
  loading = false
  private cursor: string | undefined
  private generation = 0

  constructor(
    private readonly load: (cursor: string | undefined) => Promise<Page<T>>,
    private readonly key: (item: T) => string = (item) => (item as { id: string }).id,
  ) {}

  /** Loads the next page; returns how many new items arrived. */
  async next(): Promise<number> {
    if (this.loading || this.finished) return 0
    this.loading = true
    const generation = this.generation
    try {
      const page = await this.load(this.cursor)
      if (generation !== this.generation) return 0
      const seen = new Set(this.items.map(this.key))
      const fresh = page.items.filter((item) => !seen.has(this.key(item)))
      this.items = [...this.items, ...fresh]
      this.cursor = page.next_cursor ?? undefined
      this.finished = !page.next_cursor
      return fresh.length
    } finally {
      if (generation === this.generation) this.loading = false
    }
  }

  /** Starts over from the first page (pull to refresh). */
  async reset(): Promise<number> {
    this.generation += 1
    this.items = []
    this.cursor = undefined
    this.finished = false
    this.loading = false
    return this.next()
  }
}
