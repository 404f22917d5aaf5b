// The content service's shapes, as generated from its OpenAPI (never hand-copied).
import type { components } from '../../api/schema'

export type PostView = components['schemas']['PostView']
export type PostPage = components['schemas']['PostPage']
export type PostImage = components['schemas']['PostImageView']
export type PostEdit = components['schemas']['PostEdit']
export type CommentView = components['schemas']['CommentView']
export type CommentPage = components['schemas']['CommentPage']
export type NewComment = components['schemas']['NewComment']
export type ReactionState = components['schemas']['ReactionState']
export type ReactionValue = components['schemas']['ReactionValue']
export type PersonaCard = components['schemas']['PersonaCard']
export type PersonaPage = components['schemas']['PersonaPage']
export type PersonaDetail = components['schemas']['PersonaDetail']
export type UserBrief = components['schemas']['UserBrief']

/** An image chosen for a new post, before and while it is sent. */
export interface PickedImage {
  key: string
  file: File
  url: string
  /** 0..1 while sending. */
  progress: number
  /** The server's reason when it refused this image. */
  error: string
}
