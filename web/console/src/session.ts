// Who is signed in to the console. A 401 from any request shows the sign-in page.
import { computed, reactive } from 'vue'
import { client, getMe, logout } from './api/admin'
import { ApiError } from './api/problem'
import type { Me } from './api/types'

export const session = reactive({
  state: 'loading' as 'loading' | 'signedIn' | 'signedOut' | 'failed',
  me: null as Me | null,
  /** Why loading the session failed (offline, server error). */
  error: '',
})

export const isAdmin = computed(() => session.me?.role === 'admin')

client.onSignedOut = () => {
  session.me = null
  session.state = 'signedOut'
}

export async function loadSession(): Promise<void> {
  session.state = 'loading'
  try {
    const me = await getMe()
    client.csrfToken = me.csrf_token
    session.me = me
    session.state = 'signedIn'
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return // onSignedOut showed the sign-in page
    session.error = error instanceof Error ? error.message : String(error)
    session.state = 'failed'
  }
}

export async function signOut(): Promise<void> {
  await logout()
  client.csrfToken = null
  client.onSignedOut?.()
}

/** The backend's sign-in, coming back to `path` (only a console path; anything else to /staff/). */
export function signInUrl(path: string): string {
  const returnTo = path.startsWith('/staff/') && !path.startsWith('/staff/admin/') ? path : '/staff/'
  return '/staff/admin/auth/login?return_to=' + encodeURIComponent(returnTo)
}
