// Back to where the reader came from, or to a sensible page when the app was opened
// directly on this one (a shared link): history.back() would then leave the app.
import type { RouteLocationRaw, Router } from 'vue-router'

/** `how` is whether the fallback page replaces this one in the history (the default) or is pushed after it. */
export function goBack(router: Router, fallback: RouteLocationRaw = '/', how: 'replace' | 'push' = 'replace') {
  if (window.history.state?.back) router.back()
  else if (how === 'push') router.push(fallback)
  else router.replace(fallback)
}
