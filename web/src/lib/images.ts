// The check of a picked image on this side, before it is sent (the server checks again).

/** The image types the server accepts. */
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif']
/** The `accept` attribute of a file input that picks images. */
export const IMAGE_ACCEPT = IMAGE_TYPES.join(',')
/** The largest image the server accepts. */
export const IMAGE_MAX_BYTES = 10 * 1024 * 1024

/** What is wrong with a picked file: its type, its size, or nothing (null). */
export function imageProblem(file: File, maxBytes = IMAGE_MAX_BYTES): 'type' | 'size' | null {
  if (!IMAGE_TYPES.includes(file.type)) return 'type'
  if (file.size > maxBytes) return 'size'
  return null
}
