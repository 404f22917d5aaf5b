// The API's shapes the app uses, named as the Rust structs, from the generated schema (never hand-copied).
import type { components } from './schema'

type Schemas = components['schemas']

// Posts and comments.
export type PostView = Schemas['PostView']
export type PostPage = Schemas['PostPage']
export type PostImageView = Schemas['PostImageView']
export type PostEdit = Schemas['PostEdit']
export type CommentView = Schemas['CommentView']
export type CommentPage = Schemas['CommentPage']
export type NewComment = Schemas['NewComment']
export type ReactionState = Schemas['ReactionState']
export type ReactionValue = Schemas['ReactionValue']

// Personas.
export type PersonaCard = Schemas['PersonaCard']
export type PersonaPage = Schemas['PersonaPage']
export type PersonaDetail = Schemas['PersonaDetail']
export type PersonaUpdate = Schemas['PersonaUpdate']
export type PhotoView = Schemas['PhotoView']
export type EntryView = Schemas['EntryView']
export type EntryInput = Schemas['EntryInput']

// The companion.
export type QuotaView = Schemas['QuotaView']
export type ConversationView = Schemas['ConversationView']
export type MessageView = Schemas['MessageView']
export type CallView = Schemas['CallView']
export type StartedCall = Schemas['StartedCall']
