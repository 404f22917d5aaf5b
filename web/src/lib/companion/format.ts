// Times and durations as the chat and call screens show them (Asia/Shanghai).
import { ZONE } from '../time'

function locale(): string {
  return typeof document !== 'undefined' && document.documentElement.lang === 'en' ? 'en-GB' : 'zh-CN'
}

function dayKey(value: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(value)
}

/** 14:05 today, 05/12 14:05 this year, 2024/05/12 14:05 before (WeChat's time separators). */
export function formatChatTime(value: string | number | Date, now: Date = new Date()): string {
  const date = new Date(value)
  const time = new Intl.DateTimeFormat(locale(), { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(date)
  if (dayKey(date) === dayKey(now)) return time
  const sameYear = dayKey(date).slice(0, 4) === dayKey(now).slice(0, 4)
  const day = new Intl.DateTimeFormat(locale(), {
    timeZone: ZONE, month: '2-digit', day: '2-digit', ...(sameYear ? {} : { year: 'numeric' }),
  }).format(date)
  return `${day} ${time}`
}

/** 00:00 to 59:59, then 1:00:00. */
export function formatClock(totalSeconds: number): string {
  const seconds = Math.max(0, Math.floor(totalSeconds))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const pad = (n: number) => String(n).padStart(2, '0')
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`
}

/** Minutes and seconds in words: 「9 分 48 秒」, 「3 小时」. */
export function formatSpan(totalSeconds: number, t: (key: string, values?: Record<string, unknown>) => string): string {
  const seconds = Math.max(0, Math.round(totalSeconds))
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const parts: string[] = []
  if (h) parts.push(t('companion.units.hours', { n: h }))
  if (m) parts.push(t('companion.units.minutes', { n: m }))
  if (s || !parts.length) parts.push(t('companion.units.seconds', { n: s }))
  return parts.join(' ')
}
