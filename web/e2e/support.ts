// Shared steps of the journeys: sign-in through 「模拟扫码」, screenshots, and setup
// through the staff listener's internal API where a journey needs a precondition that
// another journey proves through the UI (e.g. membership).
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test'
import { mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { deflateSync } from 'node:zlib'

export const baseUrl = () => process.env.YUJIE_E2E_URL ?? ''
const INTERNAL_TOKEN = 'local-only-internal-token'

/** A full-page screenshot kept as an artifact: e2e/screenshots/<project>/<name>.png. */
export async function shot(page: Page, info: TestInfo, name: string) {
  const path = join(import.meta.dirname, 'screenshots', info.project.name, `${name}.png`)
  mkdirSync(dirname(path), { recursive: true })
  // Pages that wait on a stream (QR sign-in, payment) never go idle: wait a little, not forever.
  await page.waitForLoadState('networkidle', { timeout: 3000 }).catch(() => {})
  await page.screenshot({ path, fullPage: true })
  await info.attach(name, { path, contentType: 'image/png' })
}

/** Signs in through the QR page's 「模拟扫码」 and sets the nickname on first sign-in. */
export async function signIn(page: Page, nickname: string): Promise<void> {
  await page.goto(baseUrl() + '/login')
  await page.getByRole('button', { name: '模拟扫码' }).click()
  await expect(page.getByText('欢迎来到御姐加油站')).toBeVisible()
  await page.getByLabel('昵称').fill(nickname)
  await page.getByRole('button', { name: '开始逛逛' }).click()
  await expect(page).not.toHaveURL(/\/welcome/)
}

/** The access token of the app's own session in this page. */
export async function accessToken(page: Page): Promise<string> {
  const tokens = await page.evaluate(() => JSON.parse(localStorage.getItem('yujie.tokens') ?? 'null'))
  expect(tokens?.access).toBeTruthy()
  return tokens.access as string
}

/** The signed-in user's id, read from the app's own session. */
export async function currentUserId(page: Page): Promise<string> {
  const response = await fetch(baseUrl() + '/api/v1/me', { headers: { authorization: 'Bearer ' + (await accessToken(page)) } })
  return (await response.json()).id
}

/** A persona created through the API (setup; the persona UI is proved by its own journey). */
export async function createPersona(page: Page, name: string): Promise<string> {
  const response = await fetch(baseUrl() + '/api/v1/personas', {
    method: 'POST',
    headers: { authorization: 'Bearer ' + (await accessToken(page)), 'content-type': 'application/json' },
    body: JSON.stringify({ name, aliases: [] }),
  })
  expect(response.status).toBe(201)
  return (await response.json()).id
}

/** How many of these images actually loaded (decoded with a real size). */
export function loadedImages(scope: Locator) {
  return scope.locator('img').evaluateAll((images) => images.filter((image) => (image as HTMLImageElement).naturalWidth > 0).length)
}

/** Makes the signed-in user a member through identity's internal API (setup only). */
export async function grantMembership(page: Page, days = 30): Promise<void> {
  const userId = await currentUserId(page)
  const response = await fetch(`${process.env.YUJIE_E2E_STAFF}/internal/identity/users/${userId}/membership/extensions`, {
    method: 'POST',
    headers: { authorization: 'Bearer ' + INTERNAL_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ period_days: days, grant_key: 'e2e-' + userId + '-' + Date.now() }),
  })
  expect(response.ok).toBeTruthy()
  await page.reload()
}

/** A small PNG of one colour, for uploads. */
export function pngFile(name: string, rgb: [number, number, number] = [214, 51, 108]) {
  return { name, mimeType: 'image/png', buffer: solidPng(64, 64, rgb) }
}

function solidPng(width: number, height: number, [r, g, b]: [number, number, number]): Buffer {
  const row = Buffer.alloc(1 + width * 3)
  for (let x = 0; x < width; x++) row.set([r, g, b], 1 + x * 3)
  const raw = Buffer.concat(Array.from({ length: height }, () => row))
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4)
    length.writeUInt32BE(data.length)
    const body = Buffer.concat([Buffer.from(type), data])
    const crc = Buffer.alloc(4)
    crc.writeUInt32BE(crc32(body))
    return Buffer.concat([length, body, crc])
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header.set([8, 2, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}
function crc32(data: Buffer): number {
  let crc = ~0
  for (const byte of data) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}
