// Back to where the reader came from, or to a sensible page when the app was opened
// directly on this one (a shared link): history.back() would then leave the app.
import type { Router } from 'vue-router'

export function goBack(router: Router, fallback = '/') {
  if (window.history.state?.back) router.back()
  else router.replace(fallback)
}
