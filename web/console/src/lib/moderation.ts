// The four actions on reported content and its authors, each with a required reason:
// what the dialog asks for and what it sends.
import { banUser, resolveReport, unbanUser } from '../api/admin'
import type { BanRequest } from '../api/types'
import { i18n } from '../i18n'

export type ModerationTask =
  | { action: 'dismiss' | 'remove'; kind: string; id: string }
  | { action: 'ban' | 'unban'; userId: string; nickname: string }

export const BAN_CHOICES = [
  { key: '1', days: 1, label: 'dialog.days1' },
  { key: '7', days: 7, label: 'dialog.days7' },
  { key: '30', days: 30, label: 'dialog.days30' },
  { key: 'permanent', days: null, label: 'dialog.permanent' },
] as const satisfies readonly { key: string; days: BanRequest['days']; label: string }[]

export type BanChoice = (typeof BAN_CHOICES)[number]['key']

export interface ModerationForm {
  reason: string
  ban: BanChoice
  removeContent: boolean
  restoreContent: boolean
}

/** Performs the task; the success message to show. */
export async function perform(task: ModerationTask, form: ModerationForm): Promise<string> {
  const t = i18n.global.t
  switch (task.action) {
    case 'dismiss':
    case 'remove': {
      const resolved = await resolveReport(task.kind, task.id, { resolution: task.action, reason: form.reason })
      return t(`done.${task.action}`, { n: resolved.reports }, resolved.reports)
    }
    case 'ban': {
      const days = BAN_CHOICES.find((choice) => choice.key === form.ban)?.days ?? null
      const result = await banUser(task.userId, { days, reason: form.reason, remove_content: form.removeContent })
      return result.content_removed === null ? t('done.ban') : t('done.banRemoved', { n: result.content_removed })
    }
    case 'unban': {
      const result = await unbanUser(task.userId, { reason: form.reason, restore_content: form.restoreContent })
      return result.content_restored === null ? t('done.unban') : t('done.unbanRestored', { n: result.content_restored })
    }
  }
}
