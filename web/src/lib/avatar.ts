// The colour and the letter a name is drawn with when there is no picture: the same name gets the same hue everywhere.

/** A hue offset (0–59) derived from the name; callers add it to the brand pink (330). */
export function nameHue(name: string): number {
  return Array.from(name).reduce((sum, char) => sum + char.codePointAt(0)!, 0) % 60
}

/** The first character of the name (a whole emoji or CJK character, never half of one). */
export function nameInitial(name: string, fallback = '·'): string {
  return Array.from(name.trim())[0] ?? fallback
}
