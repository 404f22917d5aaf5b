// Shapes the post pages keep on the client (the API's own shapes are in api/types.ts).

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
