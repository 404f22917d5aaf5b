// How a failed request shows: the problem's detail in an error message. A 401 shows
// nothing here: the sign-in page replaces the console.
import { ElMessage } from 'element-plus'
import { ApiError } from '../api/problem'
import { i18n } from '../i18n'

export function showError(error: unknown): void {
  if (error instanceof ApiError && error.status === 401) return
  const message =
    error instanceof ApiError && error.code === 'network'
      ? i18n.global.t('common.networkError')
      : error instanceof Error ? error.message : String(error)
  ElMessage.error({ message, grouping: true })
}

/**
 * The messages of a form's invalid fields, to show beside them; any other error (or one
 * about a field the form does not show) as an error message.
 */
export function formErrors(error: unknown, shown: string[]): Record<string, string> {
  const fields = error instanceof ApiError ? error.fields : {}
  const beside = Object.fromEntries(Object.entries(fields).filter(([field]) => shown.includes(field)))
  if (Object.keys(beside).length === 0) showError(error)
  return beside
}
