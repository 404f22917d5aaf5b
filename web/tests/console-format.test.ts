import { describe, expect, it } from 'vitest'
import { banState, daysSince, formatDateTime, formatYuan, olderThan } from '../console/src/lib/time'
import { contentImages, contentTexts } from '../console/src/lib/content'
import { signInUrl } from '../console/src/session'

describe('console time formatting', () => {
  it('shows instants in Asia/Shanghai, from RFC 3339 or milliseconds', () => {
    expect(formatDateTime('2025-03-01T16:05:00Z')).toBe('2025-03-02 00:05')
    expect(formatDateTime(Date.UTC(2025, 0, 31, 23, 59))).toBe('2025-02-01 07:59')
    expect(formatDateTime(null)).toBe('—')
  })

  it('counts whole days of account age', () => {
    const now = Date.parse('2025-03-01T12:00:00Z')
    expect(daysSince('2025-01-25T12:00:00Z', now)).toBe(35)
    expect(daysSince('2025-03-01T11:00:00Z', now)).toBe(0)
  })

  it('tells a pending change older than a minute', () => {
    const now = Date.parse('2025-03-01T12:00:00Z')
    expect(olderThan('2025-03-01T11:58:59Z', 60, now)).toBe(true)
    expect(olderThan('2025-03-01T11:59:30Z', 60, now)).toBe(false)
    expect(olderThan(null, 60, now)).toBe(false)
  })

  it('reads a ban: none, until a time, or permanent (the year 9999)', () => {
    const now = Date.parse('2025-03-01T12:00:00Z')
    expect(banState(null, now)).toEqual({ kind: 'none' })
    expect(banState('2025-02-01T00:00:00Z', now)).toEqual({ kind: 'none' })
    expect(banState('2025-03-08T00:00:00Z', now)).toEqual({ kind: 'until', until: '2025-03-08T00:00:00Z' })
    expect(banState(Date.UTC(9999, 11, 31), now)).toEqual({ kind: 'permanent' })
  })

  it('shows fen as yuan', () => {
    expect(formatYuan(3990)).toBe('¥39.90')
  })
})

describe('console content rendering', () => {
  it('picks the readable fields of free-form content', () => {
    const post = { title: '新剧', text: '好看', event_date: null, author_id: 'u1' }
    expect(contentTexts(post)).toEqual([
      { field: 'title', text: '新剧' },
      { field: 'text', text: '好看' },
    ])
    expect(contentTexts({ name: '御姐', aliases: ['A', 'B'] })).toEqual([
      { field: 'name', text: '御姐' },
      { field: 'aliases', text: 'A、B' },
    ])
  })

  it("finds a photo's and a post's image URLs", () => {
    expect(contentImages({ urls: { thumb: '/media/t.jpg', large: '/media/l.jpg' } })).toEqual(['/media/t.jpg'])
    expect(contentImages({ images: ['https://cdn.example/1.jpg', { url: '/media/2.jpg' }, { key: 'opaque' }] })).toEqual([
      'https://cdn.example/1.jpg',
      '/media/2.jpg',
    ])
  })
})

describe('console sign-in', () => {
  it('returns to the console page shown, and only to a console page', () => {
    expect(signInUrl('/staff/users?q=%E5%B0%8F')).toBe('/staff/admin/auth/login?return_to=%2Fstaff%2Fusers%3Fq%3D%25E5%25B0%258F')
    expect(signInUrl('/elsewhere')).toBe('/staff/admin/auth/login?return_to=%2Fstaff%2F')
    expect(signInUrl('/staff/admin/me')).toBe('/staff/admin/auth/login?return_to=%2Fstaff%2F')
  })
})
