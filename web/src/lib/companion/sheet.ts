// The companion's bottom sheets close by a labelled 关闭 button (Vant's close icon has no
// label). Vant makes the dimmed backdrop an unnamed focusable "button" when a tap on it
// closes the sheet; it stays tappable, but leaves the accessibility tree and the tab order.
import type { OverlayProps } from 'vant'

export const plainOverlay = { role: undefined, tabindex: undefined } as Partial<OverlayProps>
