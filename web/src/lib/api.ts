// The app's API client: same origin by default, or VITE_API_BASE for a static build
// hosted elsewhere (Cloudflare Pages).
import { ApiClient } from '../api/client'
import { localTokenStore } from '../api/tokens'

export const API_BASE = (import.meta.env.VITE_API_BASE ?? '').replace(/\/$/, '')

const signedOutListeners: Array<() => void> = []
export function onSignedOut(listener: () => void) {
  signedOutListeners.push(listener)
}

export const api = new ApiClient({
  baseUrl: API_BASE,
  tokens: localTokenStore(),
  onSignedOut: () => signedOutListeners.forEach((listener) => listener()),
})

/** A media path from the API (`/media/…`) as a URL the browser can load. */
export function mediaUrl(path: string | null | undefined): string {
  if (!path) return ''
  return /^https?:\/\//.test(path) ? path : API_BASE + path
}
