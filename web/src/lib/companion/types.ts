// The companion's API types, from the generated schema (names are the Rust structs).
import type { components } from '../../api/schema'

type Schemas = components['schemas']

export type QuotaView = Schemas['QuotaView']
export type ConversationView = Schemas['ConversationView']
export type MessageView = Schemas['MessageView']
export type CallView = Schemas['CallView']
export type StartedCall = Schemas['StartedCall']
export type PersonaDetail = Schemas['PersonaDetail']
