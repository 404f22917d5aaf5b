// Why the server refused one image of a post, in the reader's language. The server names
// the image (`images[2]`) and gives the reason in its problem+json; its wording is mapped
// to a message here, and shown as the server gave it when it is not one of the known ones.
import type { ApiError } from '../../api/problem'
import { i18n } from '../../i18n'

const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values)

/** The refused images: index → message. */
export function refusedImages(error: ApiError): Map<number, string> {
  const refused = new Map<number, string>()
  for (const field of error.problem?.errors ?? []) {
    const match = /^images\[(\d+)\]$/.exec(field.field)
    if (match) refused.set(Number(match[1]), reason(error.code, field.message))
  }
  return refused
}

function reason(code: string, message: string): string {
  const numbers = (message.match(/\d+/g) ?? []).map(Number)
  if (code === 'unsupported_media_type' || /not a JPEG/i.test(message)) return t('post.imageErrors.type')
  if (code === 'payload_too_large' || /larger than|at most \d+ bytes/i.test(message)) {
    const bytes = numbers[numbers.length - 1]
    return bytes ? t('post.imageErrors.size', { mb: Math.round(bytes / 1024 / 1024) }) : t('post.imageErrors.sizePlain')
  }
  if (/pixels/i.test(message) && numbers.length >= 3) {
    return t('post.imageErrors.pixels', { width: numbers[0], height: numbers[1], million: Math.round(numbers[2]! / 1_000_000) })
  }
  if (/MiB/.test(message)) return t('post.imageErrors.budget')
  if (/damaged|truncated|corrupt/i.test(message)) return t('post.imageErrors.corrupt')
  return message
}
