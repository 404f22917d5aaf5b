// Reported content is free-form JSON (a post has title/text/images, a comment text, a
// persona name/aliases, a photo urls): the parts a moderator reads, picked out of it.

export const TEXT_FIELDS = ['title', 'name', 'caption', 'text', 'body'] as const
export type TextField = (typeof TEXT_FIELDS)[number]

/** The readable text fields present, in a fixed order, plus aliases as one line. */
export function contentTexts(value: Record<string, unknown>): { field: TextField | 'aliases'; text: string }[] {
  const texts: { field: TextField | 'aliases'; text: string }[] = []
  for (const field of TEXT_FIELDS) {
    const text = value[field]
    if (typeof text === 'string' && text.trim()) texts.push({ field, text })
  }
  const aliases = value.aliases
  if (Array.isArray(aliases) && aliases.length) texts.push({ field: 'aliases', text: aliases.join('、') })
  return texts
}

const isUrl = (value: unknown): value is string => typeof value === 'string' && /^(https?:\/\/|\/)/.test(value)

/** One URL for an image given as a URL or as its renditions ({ url } or { thumb, … }). */
function imageUrl(image: unknown): string | undefined {
  if (isUrl(image)) return image
  if (image && typeof image === 'object') {
    const renditions = image as Record<string, unknown>
    return [renditions.url, renditions.thumb, ...Object.values(renditions)].find(isUrl)
  }
  return undefined
}

/** The images' URLs: a photo's `urls` (one image), a post's `images` (each). */
export function contentImages(value: Record<string, unknown>): string[] {
  const images = Array.isArray(value.images) ? value.images : []
  return [imageUrl(value.urls), ...images.map(imageUrl)].filter((url): url is string => url !== undefined)
}
