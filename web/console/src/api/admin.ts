// The console API (/staff/admin), one function per endpoint.
import { StaffClient } from './client'
import type {
  AuditPage, BanRequest, BanResult, DislikedReply, HitPage, ImportReport, Me, NewWord, QueueEntry, ResolutionRequest,
  Resolved, SessionsEnded, StaffAccount, StyleNote, SyncState, UnbanRequest, UnbanResult, UserDetail, UserMatch, WordEntry, WordPage,
} from './types'

export const client = new StaffClient('/staff/admin')

const segment = encodeURIComponent

export const getMe = () => client.get<Me>('/me')
export const logout = () => client.send<void>('POST', '/auth/logout')
export const listAccounts = () => client.get<StaffAccount[]>('/accounts')
export const endSessions = (accountId: string) =>
  client.send<SessionsEnded>('DELETE', `/accounts/${segment(accountId)}/sessions`)

export const listReports = (filter: { kind?: string; reason?: string; limit?: number }) =>
  client.get<QueueEntry[]>('/reports', filter)
export const resolveReport = (kind: string, id: string, body: ResolutionRequest) =>
  client.send<Resolved>('POST', `/reports/${segment(kind)}/${segment(id)}/resolution`, { json: body })

export const banUser = (userId: string, body: BanRequest) =>
  client.send<BanResult>('PUT', `/users/${segment(userId)}/ban`, { json: body })
export const unbanUser = (userId: string, body: UnbanRequest) =>
  client.send<UnbanResult>('DELETE', `/users/${segment(userId)}/ban`, { json: body })
export const searchUsers = (q: string) => client.get<UserMatch[]>('/users', { q })
export const getUser = (id: string) => client.get<UserDetail>(`/users/${segment(id)}`)

export interface AuditFilter {
  actor_id?: string
  action?: string
  target_kind?: string
  target_id?: string
}
export const listAudit = (filter: AuditFilter, before?: string) => client.get<AuditPage>('/audit', { ...filter, before })

export const listSyncStates = () => client.get<SyncState[]>('/personas/sync')
export const listFeedback = (personaId: string) =>
  client.get<DislikedReply[]>(`/personas/${segment(personaId)}/feedback`, { limit: 50 })
export const setStyleNote = (personaId: string, styleNote: string) =>
  client.send<StyleNote>('PUT', `/personas/${segment(personaId)}/style`, { json: { style_note: styleNote } })

export const listWords = (list: 'deny' | 'allow', after?: string) =>
  client.get<WordPage>('/safety/words', { list, after, limit: 100 })
export const addWord = (word: NewWord) => client.send<WordEntry>('POST', '/safety/words', { json: word })
export const removeWord = (word: string) => client.send<unknown>('DELETE', `/safety/words/${segment(word)}`)
export const importWords = (text: string, defaults: { list: string; category?: string; action?: string }) =>
  client.send<ImportReport>('POST', '/safety/words/import', { text, query: defaults })

export interface HitFilter {
  place?: string
  category?: string
  action?: string
}
export const listHits = (filter: HitFilter, before?: string) => client.get<HitPage>('/safety/hits', { ...filter, before, limit: 50 })
