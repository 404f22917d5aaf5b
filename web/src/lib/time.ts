// Dates as people in China read them: Asia/Shanghai, whatever the device's zone.
export const ZONE = 'Asia/Shanghai'

function locale(): string {
  return typeof document !== 'undefined' && document.documentElement.lang === 'en' ? 'en-GB' : 'zh-CN'
}

export function formatDateTime(value: string | number | Date): string {
  return new Intl.DateTimeFormat(locale(), {
    timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false,
  }).format(new Date(value))
}

export function formatDate(value: string | number | Date): string {
  return new Intl.DateTimeFormat(locale(), { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(value))
}

/** 刚刚 / 5 分钟前 / 3 小时前 for the last day, the date after that. */
export function formatRelative(value: string | number | Date, now: Date = new Date()): string {
  const seconds = Math.round((now.getTime() - new Date(value).getTime()) / 1000)
  const zh = locale() === 'zh-CN'
  if (seconds < 60) return zh ? '刚刚' : 'just now'
  if (seconds < 3600) return zh ? `${Math.floor(seconds / 60)} 分钟前` : `${Math.floor(seconds / 60)} min ago`
  if (seconds < 86400) return zh ? `${Math.floor(seconds / 3600)} 小时前` : `${Math.floor(seconds / 3600)} h ago`
  return formatDate(value)
}

/** The yuan amount of a price in fen (分). */
export function formatFen(fen: number): string {
  return '¥' + (fen / 100).toFixed(2)
}
