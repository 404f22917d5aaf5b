import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

describe('session store', () => {
  beforeEach(() => {
    localStorage.clear()
    vi.resetModules()
    setActivePinia(createPinia())
  })

  it('keeps the tokens across reloads and asks a default-named user for a profile', async () => {
    const { useSession } = await import('../src/stores/session')
    const session = useSession()
    expect(session.signedIn).toBe(false)
    const user = { id: 'u1', nickname: '加油站用户3f2a', avatar_url: null, is_member: false, member_until: null, created_at: '2026-12-01T00:00:00Z' }
    session.signIn({ access_token: 'a', refresh_token: 'r', token_type: 'Bearer', access_expires_at: '', refresh_expires_at: '', user })
    expect(session.signedIn).toBe(true)
    expect(session.needsProfile).toBe(true)
    expect(JSON.parse(localStorage.getItem('yujie.tokens')!)).toEqual({ access: 'a', refresh: 'r' })
    session.me = { ...user, nickname: '冰冰粉' }
    expect(session.needsProfile).toBe(false)
  })

  it('keeps redirects inside the app', async () => {
    const { safeRedirect } = await import('../src/stores/session')
    expect(safeRedirect('/posts/42?x=1')).toBe('/posts/42?x=1')
    for (const outside of ['//evil.example/x', 'https://evil.example', '/\\evil.example', undefined, ['/me']]) {
      expect(safeRedirect(outside)).toBe('/')
    }
  })

  it('forgets everything on logout even when the server cannot be reached', async () => {
    localStorage.setItem('yujie.tokens', JSON.stringify({ access: 'a', refresh: 'r' }))
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('offline') }))
    const { useSession } = await import('../src/stores/session')
    const session = useSession()
    expect(session.signedIn).toBe(true)
    await expect(session.logout()).rejects.toMatchObject({ code: 'network' })
    expect(session.signedIn).toBe(false)
    expect(localStorage.getItem('yujie.tokens')).toBeNull()
    vi.unstubAllGlobals()
  })
})
