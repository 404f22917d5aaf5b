// Dates as the staff read them: Asia/Shanghai, whatever the machine's zone.
export const ZONE = 'Asia/Shanghai'
const DAY_MS = 86_400_000
/** Identity keeps a permanent ban as one ending in the calendar's last year. */
const PERMANENT_YEAR = 9999

export type Instant = string | number

/** 2025-03-01 14:05 (24-hour, the same in every language), or '—' when there is none. */
export function formatDateTime(value: Instant | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(date)
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? ''
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}`
}

/** Whole days from `value` to `now` (0 on the day itself). */
export function daysSince(value: Instant, now: number = Date.now()): number {
  return Math.max(0, Math.floor((now - new Date(value).getTime()) / DAY_MS))
}

/** Whether `value` is more than `seconds` before `now`. */
export function olderThan(value: Instant | null | undefined, seconds: number, now: number = Date.now()): boolean {
  return value != null && now - new Date(value).getTime() > seconds * 1000
}

export type BanState = { kind: 'none' } | { kind: 'permanent' } | { kind: 'until'; until: Instant }

/** A ban's state from its end (ms or RFC 3339): none when absent or past. */
export function banState(bannedUntil: Instant | null | undefined, now: number = Date.now()): BanState {
  if (bannedUntil == null) return { kind: 'none' }
  const until = new Date(bannedUntil)
  if (until.getTime() <= now) return { kind: 'none' }
  if (until.getUTCFullYear() >= PERMANENT_YEAR) return { kind: 'permanent' }
  return { kind: 'until', until: bannedUntil }
}

/** ¥39.90 from 3990 fen. */
export function formatYuan(fen: number): string {
  return '¥' + (fen / 100).toFixed(2)
}
