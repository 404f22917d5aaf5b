// Staff sign in to the console through a real OpenID Connect provider (oauth2-mock-server,
// the company sign-in of the second backend e2e/server.ts starts): authorization code with
// PKCE, the ID token checked against the provider's JWKS, the role from its groups claim,
// a session cookie the page's scripts cannot read; the console greets them.
import { expect, test } from '@playwright/test'

test('staff sign in through a real OpenID provider and the console knows their role', async ({ page }) => {
  const staff = process.env.YUJIE_E2E_OIDC_STAFF ?? ''
  await page.goto(`${staff}/staff/audit`)
  await page.getByTestId('sign-in').click()
  await expect(page).toHaveURL(`${staff}/staff/audit`)
  await expect(page.getByText('管理员（e2e）')).toBeVisible()
  const me = await page.request.get(`${staff}/staff/admin/me`)
  expect(me.status()).toBe(200)
  expect(await me.json()).toMatchObject({ name: '管理员（e2e）', role: 'admin' })
  const session = (await page.context().cookies(`${staff}/staff/admin/me`)).find((cookie) => cookie.name === 'yujie_staff')
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/staff' })
  expect(await page.evaluate(() => document.cookie)).not.toContain('yujie_staff')

  const logout = await page.request.post(`${staff}/staff/admin/auth/logout`, { headers: { 'x-csrf-token': (await me.json()).csrf_token } })
  expect(logout.status()).toBe(204)
  expect((await page.request.get(`${staff}/staff/admin/me`)).status()).toBe(401)
})
