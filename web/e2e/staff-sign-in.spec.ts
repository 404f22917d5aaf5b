// Staff sign in to the console through a real OpenID Connect provider (oauth2-mock-server,
// the company sign-in of the second backend e2e/server.ts starts): authorization code with
// PKCE, the ID token checked against the provider's JWKS, the role from the claim and the
// value the backend is configured with (`roles`, `console-admin`; not the defaults),
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

test.describe('sign-ins the console refuses', () => {
  const setFault = (fault: string) => fetch(`${process.env.YUJIE_E2E_OIDC_CONTROL}/fault`, { method: 'PUT', body: fault })
  test.afterEach(() => setFault('none'))

  const refusals: [string, string, string][] = [
    ['tampered', 'an ID token whose payload was changed after signing', '身份令牌未通过校验'],
    ['issuer', 'an ID token from another issuer', '身份令牌未通过校验'],
    ['audience', 'an ID token for another client', '身份令牌未通过校验'],
    ['expired', 'an expired ID token', '身份令牌未通过校验'],
    ['nonce', 'an ID token with another sign-in\'s nonce', '身份令牌未通过校验'],
    ['no-role', 'a staff member without a console role', '没有访问权限'],
  ]
  for (const [fault, what, message] of refusals) {
    test(`refused: ${what}`, async ({ page }) => {
      const staff = process.env.YUJIE_E2E_OIDC_STAFF ?? ''
      await setFault(fault)
      const answer = await page.goto(`${staff}/staff/admin/auth/login`)
      expect(answer?.status()).toBe(403)
      await expect(page.getByText(message)).toBeVisible()
      expect((await page.request.get(`${staff}/staff/admin/me`)).status()).toBe(401)
      const session = (await page.context().cookies(staff)).find((cookie) => cookie.name === 'yujie_staff')
      expect(session).toBeUndefined()
    })
  }
})
