// The persona endpoints the persona pages use, typed from the generated schema.
import type { EntryInput, EntryView, PersonaCard, PersonaDetail, PersonaUpdate, PhotoView, PostView } from './types'
import type { Page } from './paging'
import { ApiError } from './problem'
import { api } from '../lib/api'
import { imageProblem } from '../lib/images'

export type Section = EntryView['section']
export type WorkKind = NonNullable<EntryView['kind']>
export type PersonaSort = 'popular' | 'new'

const base = (id: string) => `/api/v1/personas/${encodeURIComponent(id)}`

export const personaApi = {
  list: (sort: PersonaSort, cursor?: string) =>
    api.get<Page<PersonaCard>>('/api/v1/personas', { query: { sort, cursor, limit: 20 } }),
  search: (q: string, signal?: AbortSignal) =>
    api.get<Page<PersonaCard>>('/api/v1/personas/search', { query: { q }, signal }),
  get: (id: string) => api.get<PersonaDetail>(base(id)),
  create: (name: string, aliases: string[]) => api.post<PersonaDetail>('/api/v1/personas', { name, aliases }),
  update: (id: string, update: PersonaUpdate) => api.patch<PersonaDetail>(base(id), update),
  addPhoto: (id: string, file: File, onProgress?: (fraction: number) => void) => {
    const form = new FormData()
    form.append('file', file)
    return api.upload<PhotoView>('POST', base(id) + '/photos', form, onProgress)
  },
  deletePhoto: (id: string, photoId: string) => api.delete(`${base(id)}/photos/${encodeURIComponent(photoId)}`),
  addEntry: (id: string, input: EntryInput) => api.post<EntryView>(base(id) + '/entries', input),
  updateEntry: (id: string, entryId: string, input: EntryInput) =>
    api.put<EntryView>(`${base(id)}/entries/${encodeURIComponent(entryId)}`, input),
  deleteEntry: (id: string, entryId: string) => api.delete(`${base(id)}/entries/${encodeURIComponent(entryId)}`),
  posts: (id: string, cursor?: string) =>
    api.get<Page<PostView>>(base(id) + '/posts', { query: { sort: 'new', cursor, limit: 20 } }),
}

/** The client-side check of a picked photo: an i18n key of the problem, or null. */
export function photoProblem(file: File): string | null {
  const problem = imageProblem(file)
  if (problem === 'type') return 'persona.photo.badType'
  if (problem === 'size') return 'persona.photo.tooLarge'
  return null
}

/**
 * Why the server refused a photo, as an i18n key chosen by the problem's code and field
 * (its English wording is never shown); null when the failure is not about the image.
 */
export function photoRefusalKey(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null
  switch (error.code) {
    case 'unsupported_media_type':
      return 'persona.photo.reasons.type'
    case 'payload_too_large':
      return 'persona.photo.reasons.size'
    case 'invalid_field':
      return error.problem?.errors?.some((field) => field.field === 'file') ? 'persona.photo.reasons.unreadable' : null
    default:
      return null
  }
}

/** The field an `invalid_field` refusal names (`name`, `aliases[0]`, `year`…), or null. */
export function refusedField(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== 'invalid_field') return null
  return error.problem?.errors?.[0]?.field ?? null
}

/** Compact counts as Chinese apps show them: 9,999 / 1.2万. */
export function compactCount(value: number, zh: boolean): string {
  if (value >= 10000) return zh ? `${(value / 10000).toFixed(1).replace(/\.0$/, '')}万` : `${(value / 1000).toFixed(1).replace(/\.0$/, '')}k`
  return String(value)
}
