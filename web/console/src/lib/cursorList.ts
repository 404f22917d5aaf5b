// A list read page by page with an opaque cursor (next_before / next_after): reload from
// the start, or load more after what is shown.
import { ref, shallowRef } from 'vue'
import { showError } from './notify'

export interface CursorPage<T> {
  items: T[]
  next?: string | null
}

export function useCursorList<T>(fetchPage: (cursor?: string) => Promise<CursorPage<T>>) {
  const items = shallowRef<T[]>([])
  const next = ref<string | null>(null)
  const loading = ref(false)

  async function load(cursor?: string) {
    loading.value = true
    try {
      const page = await fetchPage(cursor)
      items.value = cursor ? [...items.value, ...page.items] : page.items
      next.value = page.next ?? null
    } catch (error) {
      showError(error)
    } finally {
      loading.value = false
    }
  }

  return {
    items,
    next,
    loading,
    reload: () => load(),
    loadMore: () => (next.value ? load(next.value) : Promise.resolve()),
  }
}
