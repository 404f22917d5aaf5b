// Local mode (the embedded defaults) serves stand-ins for WeChat and the payment
// channels under /_standin; the app then shows 「模拟扫码」 and 「模拟支付」. In production
// that path does not exist.
import { ref } from 'vue'
import { API_BASE } from './api'

export const localMode = ref(false)
let probed: Promise<boolean> | null = null

export function detectLocalMode(): Promise<boolean> {
  probed ??= fetch(API_BASE + '/_standin', { headers: { accept: 'application/json' } })
    .then(async (response) => response.ok && Array.isArray((await response.json()).standins))
    .catch(() => false)
    .then((local) => (localMode.value = local))
  return probed
}

/** Posts to a stand-in (a simulated scan or payment). */
export async function standin(path: string, body: unknown): Promise<void> {
  const response = await fetch(API_BASE + '/_standin' + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`)
}
