// Every refused action is shown with the server's reason, in the user's language.
import { showDialog, showToast } from 'vant'
import { ApiError } from '../api/problem'
import { i18n } from '../i18n'
import { formatDateTime } from './time'

const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values)

const CHINESE = /[\u4e00-\u9fff]/

/** The server's own words where the reader can read them: most details are English,
 *  the companion's are Chinese. Otherwise undefined, and the code's message is used. */
function readable(detail: string | undefined): string | undefined {
  if (!detail) return undefined
  const english = i18n.global.locale.value === 'en'
  return english !== CHINESE.test(detail) ? detail : undefined
}

/** `images[2]` or `items[0].title` → the field's name in the reader's language. */
function fieldNames(error: ApiError): string {
  const names = (error.problem?.errors ?? []).map(({ field }) => {
    const key = field.split(/[[.]/)[0]
    const label = `common.fields.${key}`
    return i18n.global.te(label) ? t(label) : key
  })
  return [...new Set(names)].join('、')
}

export function errorMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t('common.errors.generic', { detail: error instanceof Error ? error.message : String(error) })
  const context = (error.problem?.context ?? {}) as Record<string, unknown>
  const detail = readable(error.problem?.detail ?? error.message)
  switch (error.code) {
    case 'network':
      return t('common.errors.network')
    case 'unauthenticated':
    case 'token_expired':
    case 'session_revoked':
    case 'refresh_token_invalid':
    case 'refresh_token_reused':
      return t('common.errors.unauthenticated')
    case 'user_banned': {
      const reason = String(context.reason ?? '')
      const until = context.banned_until
      return until ? t('common.errors.bannedUntil', { until: formatDateTime(String(until)), reason }) : t('common.errors.bannedForever', { reason })
    }
    case 'rate_limited':
      return t('common.errors.rateLimited', { seconds: error.retryAfter ?? 60 })
    case 'quota_exceeded':
      return detail ?? t('common.errors.quota', { time: context.resets_at ? formatDateTime(String(context.resets_at)) : '' })
    case 'forbidden':
      return detail && detail !== error.problem?.title ? detail : t('common.errors.forbidden')
    case 'not_found':
      return t('common.errors.notFound')
    case 'conflict':
      return detail || t('common.errors.conflict')
    case 'payload_too_large':
      return detail || t('common.errors.tooLarge')
    case 'unsupported_media_type':
      return detail || t('common.errors.unsupported')
    case 'invalid_field':
    case 'malformed_body':
      return i18n.global.locale.value === 'en' ? t('common.errors.invalid', { detail: error.message }) : t('common.errors.invalid', { detail: fieldNames(error) || t('common.errors.someField') })
    case 'content_refused': {
      const category = String(context.category ?? 'other')
      const label = `common.categories.${category}`
      return t('common.errors.refused', { field: fieldNames(error) || t('common.errors.someField'), category: i18n.global.te(label) ? t(label) : category })
    }
    case 'upstream_failed':
      return t('common.errors.upstream')
    case 'unavailable':
      return t('common.errors.unavailable')
    default:
      return detail ? t('common.errors.generic', { detail }) : t('common.errors.unavailable')
  }
}

/** A short toast for small failures. */
function toastError(error: unknown) {
  showToast({ message: errorMessage(error), duration: 3000 })
}

/** A dialog for refusals the user must read (bans, quotas). */
function alertError(error: unknown) {
  return showDialog({ message: errorMessage(error), confirmButtonText: t('common.actions.confirm') })
}

/** A ban or a quota deserves a dialog; the rest a toast. */
export function reportError(error: unknown) {
  if (error instanceof ApiError && (error.code === 'user_banned' || error.code === 'quota_exceeded')) return alertError(error)
  toastError(error)
}
