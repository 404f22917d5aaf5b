// Signed-out readers see everything; an action sends them to sign in and come back here.
import { useRoute, useRouter } from 'vue-router'
import { useSession } from '../../stores/session'

export function useSignInGate() {
  const session = useSession()
  const route = useRoute()
  const router = useRouter()
  /** True when signed in; otherwise goes to /login?redirect=<this page> and answers false. */
  function requireSignIn(redirect: string = route.fullPath): boolean {
    if (session.signedIn) return true
    router.push({ name: 'login', query: { redirect } })
    return false
  }
  return { requireSignIn }
}
