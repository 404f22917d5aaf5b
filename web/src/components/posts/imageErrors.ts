// Why the server refused a new post or an edit, in the reader's language. The message is
// chosen by the problem's code and the field it names (`title`, `images[2]`, …), never
// by the server's English wording, which is not shown.
import { ApiError } from '../../api/problem'
import { i18n } from '../../i18n'
import { errorMessage } from '../../lib/errors'
import { IMAGE_MAX_BYTES } from '../../lib/images'

const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(key, values)

/** The form fields the compose page marks. */
export type PostField = 'persona' | 'title' | 'text' | 'eventDate'

export interface PostRefusal {
  /** Refused images: index → reason. */
  images: Map<number, string>
  /** Messages for the fields the page shows them under. */
  fields: Partial<Record<PostField, string>>
  /** Every message, in the server's order, for one toast. */
  messages: string[]
}

/** An image refused for `code`, as a short reason. */
function imageReason(code: string): string {
  switch (code) {
    case 'unsupported_media_type':
      return t('post.imageErrors.type')
    case 'payload_too_large':
      return t('post.imageErrors.size', { mb: IMAGE_MAX_BYTES / 1024 / 1024 })
    case 'invalid_field':
      return t('post.imageErrors.unreadable')
    default:
      return t('post.imageErrors.other')
  }
}

const FIELDS: Record<string, PostField> = { persona_id: 'persona', title: 'title', text: 'text', event_date: 'eventDate' }

/**
 * The refusal of a post form, field by field; null when the problem names no field (a
 * ban, the network, a quota), which the page reports the usual way.
 */
export function postRefusal(error: unknown): PostRefusal | null {
  if (!(error instanceof ApiError)) return null
  const named = error.problem?.errors ?? []
  const refusal: PostRefusal = { images: new Map(), fields: {}, messages: [] }
  if (error.code === 'content_refused') {
    // Words the lexicon does not allow: the field and the category, never the word.
    const message = errorMessage(error)
    const field = FIELDS[named[0]?.field ?? '']
    if (field) refusal.fields[field] = message
    refusal.messages.push(message)
    return refusal
  }
  if (!named.length) {
    // The whole form over the size limit (each image is checked here first, so rare).
    if (error.code !== 'payload_too_large') return null
    refusal.messages.push(t('post.refusals.tooLarge'))
  }
  for (const { field } of named) {
    const image = /^images\[(\d+)\]$/.exec(field)
    if (image) {
      const index = Number(image[1])
      refusal.images.set(index, imageReason(error.code))
      refusal.messages.push(t('post.compose.imageRefused', { n: index + 1, reason: imageReason(error.code) }))
    } else if (field === 'images') {
      refusal.messages.push(t('post.refusals.images', { max: 9 }))
    } else if (FIELDS[field]) {
      const message = t(`post.refusals.${FIELDS[field]}`)
      refusal.fields[FIELDS[field]] = message
      refusal.messages.push(message)
    } else {
      refusal.messages.push(t('post.refusals.other'))
    }
  }
  return refusal
}
