// The home feed is kept alive between visits; a page that adds, changes or deletes a post
// (or a persona the strip may show) marks it stale, and the feed reloads when shown again.
import { defineStore } from 'pinia'
import { ref } from 'vue'

export const useFeed = defineStore('feed', () => {
  /** Goes up by one on every change the feed has not shown yet. */
  const version = ref(0)

  function markStale() {
    version.value += 1
  }

  return { version, markStale }
})
