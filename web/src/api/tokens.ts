// The session's tokens, kept in localStorage so a reload stays signed in.
import type { components } from './schema'

export type TokenPair = components['schemas']['TokenPair']

export interface Tokens {
  access: string
  refresh: string
}

export interface TokenStore {
  get(): Tokens | null
  set(tokens: Tokens | null): void
}

const KEY = 'yujie.tokens'

export function localTokenStore(storage: Storage = window.localStorage): TokenStore {
  return {
    get() {
      try {
        const value = JSON.parse(storage.getItem(KEY) ?? 'null') as Tokens | null
        return value && value.access && value.refresh ? value : null
      } catch {
        return null
      }
    },
    set(tokens) {
      if (tokens) storage.setItem(KEY, JSON.stringify(tokens))
      else storage.removeItem(KEY)
    },
  }
}

export function memoryTokenStore(initial: Tokens | null = null): TokenStore {
  let tokens = initial
  return { get: () => tokens, set: (next) => (tokens = next) }
}
