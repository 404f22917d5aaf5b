// The values the API uses in filters and tables, and their labels in the current language.
import { useI18n } from 'vue-i18n'

export const REPORT_KINDS = ['persona', 'photo', 'entry', 'post', 'comment']
export const REPORT_REASONS = ['spam', 'abuse', 'sexual', 'illegal', 'infringement', 'other']
export const AUDIT_ACTIONS = ['dismiss', 'remove', 'ban', 'unban', 'style_note', 'lexicon_add', 'lexicon_remove', 'lexicon_import']
export const AUDIT_TARGET_KINDS = [...REPORT_KINDS, 'user']
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
