// The sign-in QR page off its happy path: the event stream blocked (a proxy that buffers
// or drops text/event-stream), where the page falls back to long-polling; and a code left
// open until it expires, replaced by a fresh one with one tap.
import { expect, test } from '@playwright/test'
import { baseUrl, shot } from './support'

test('with the event stream blocked, the sign-in page long-polls and still signs in', async ({ page }) => {
  const streams: string[] = []
  await page.route(/\/api\/v1\/auth\/wechat\/logins\/[^/]+\/events$/, (route) => {
    streams.push(route.request().url())
    return route.abort()
  })
  const longPoll = page.waitForRequest((request) => /\/logins\/[^/?]+\?timeout_secs=25$/.test(request.url()))
  await page.goto(baseUrl() + '/login')
  await longPoll
  expect(streams).toHaveLength(1)
  await page.getByRole('button', { name: '模拟扫码' }).click()
  await expect(page.getByText('欢迎来到御姐加油站')).toBeVisible()
})

test('an expired QR code is replaced by a fresh one with one tap', async ({ page }, info) => {
  await page.clock.install()
  await page.goto(baseUrl() + '/login')
  const qr = page.getByRole('img', { name: '长按识别二维码关注' })
  await expect(qr).toBeVisible()
  const first = await qr.getAttribute('src')
  // The page was left open past the code's five minutes.
  await page.clock.fastForward('05:01')
  const refresh = page.getByRole('button', { name: '二维码已过期，刷新二维码' })
  await expect(refresh).toBeVisible()
  await expect(page.getByRole('button', { name: '模拟扫码' })).toHaveCount(0)
  await shot(page, info, 'login-qr-expired')
  // Back to the real time (the server's), then ask for a new code.
  await page.clock.setSystemTime(Date.now())
  await refresh.click()
  await expect(page.getByText(/\d+ 秒后过期/)).toBeVisible()
  expect(await qr.getAttribute('src')).not.toBe(first)
  await page.getByRole('button', { name: '模拟扫码' }).click()
  await expect(page.getByText('欢迎来到御姐加油站')).toBeVisible()
})
