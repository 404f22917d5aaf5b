// Who is signed in. The tokens live in the API client's store; this keeps the profile.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { components } from '../api/schema'
import type { TokenPair } from '../api/tokens'
import { api, onSignedOut } from '../lib/api'

export type Me = components['schemas']['Me']

/** New accounts are named 「加油站用户」 plus a short id until they choose a nickname. */
const DEFAULT_NICKNAME_PREFIX = '加油站用户'

/** A `?redirect=` target that stays in this app: a path, never `//host` or a URL. */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)/.test(value) && !value.includes('\\') ? value : '/'
}

export const useSession = defineStore('session', () => {
  const me = ref<Me | null>(null)
  const signedIn = ref(api.tokens.get() !== null)
  const isMember = computed(() => me.value?.is_member === true)
  const needsProfile = computed(() => !!me.value && me.value.nickname.startsWith(DEFAULT_NICKNAME_PREFIX))

  onSignedOut(() => {
    me.value = null
    signedIn.value = false
  })

  function signIn(pair: TokenPair) {
    api.tokens.set({ access: pair.access_token, refresh: pair.refresh_token })
    me.value = pair.user
    signedIn.value = true
  }

  /** Loads the profile when signed in (on start, and after a change elsewhere). */
  async function refresh(): Promise<Me | null> {
    if (!api.tokens.get()) {
      signedIn.value = false
      return null
    }
    me.value = await api.get<Me>('/api/v1/me')
    return me.value
  }

  function forget() {
    api.tokens.set(null)
    me.value = null
    signedIn.value = false
  }

  async function logout(everywhere = false) {
    try {
      await api.post(everywhere ? '/api/v1/auth/logout-all' : '/api/v1/auth/logout')
    } finally {
      forget()
    }
  }

  return { me, signedIn, isMember, needsProfile, signIn, refresh, logout, forget }
})
