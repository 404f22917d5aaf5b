// The values the API uses in filters and tables, and their labels in the current language.
import { useI18n } from 'vue-i18n'
import type { components } from '../../../src/api/schema'

// Reports are filed through the public API: its generated types say which kinds and
// reasons exist, and these records fail the type check when one is missing or unknown.
type Public = components['schemas']
const KINDS: Record<Public['ItemKind'], true> = { persona: true, photo: true, entry: true, post: true, comment: true }
const REASONS: Record<Public['ReportReason'], true> = {
  spam: true,
  abuse: true,
  sexual: true,
  privacy: true,
  false_info: true,
  other: true,
}
export const REPORT_KINDS = Object.keys(KINDS)
export const REPORT_REASONS = Object.keys(REASONS)
export const AUDIT_ACTIONS = ['dismiss', 'remove', 'ban', 'unban', 'style_note', 'lexicon_add', 'lexicon_remove', 'lexicon_import', 'end_sessions']
export const AUDIT_TARGET_KINDS = [...REPORT_KINDS, 'user', 'word', 'lexicon', 'staff']
export const WORD_CATEGORIES = ['politics', 'sexual', 'gambling', 'advert', 'abuse', 'other']
export const WORD_ACTIONS = ['block', 'mask', 'review']
export const HIT_PLACES = ['post', 'comment', 'nickname', 'persona', 'entry', 'report', 'chat_message', 'chat_reply']

export function useLabels() {
  const { t, te } = useI18n()
  /** The label of `value` in `group` (e.g. reasons.spam); an unknown value as it is, none as '—'. */
  const label = (group: string, value: string | null | undefined): string => {
    if (!value) return '—'
    const key = `${group}.${value}`
    return te(key) ? t(key) : value
  }
  return { label }
}
