// Journeys 1 and 3: 模拟扫码 sign-in with a nickname on first sign-in; membership bought
// with 模拟支付 through WeChat Pay and through Alipay, ending with the new end date; the Me
// page with a new avatar; sign-out.
import { expect, test } from '@playwright/test'
import { accessToken, baseUrl, pngFile, shot, signIn } from './support'

test('sign in with 模拟扫码, choose a nickname, and see it on the Me page', async ({ page }, info) => {
  await page.goto(baseUrl() + '/login')
  await expect(page.getByRole('img', { name: '长按识别二维码关注' })).toBeVisible()
  await expect(page.getByText(/\d+ 秒后过期/)).toBeVisible()
  await shot(page, info, '01-login-qr')
  await page.getByRole('button', { name: '模拟扫码' }).click()
  await expect(page.getByText('欢迎来到御姐加油站')).toBeVisible()
  await shot(page, info, '02-welcome')
  await page.getByLabel('昵称').fill('冰冰的粉丝')
  await page.getByRole('button', { name: '开始逛逛' }).click()
  await expect(page).toHaveURL(baseUrl() + '/')
  await page.goto(baseUrl() + '/me')
  await expect(page.getByRole('heading', { name: '冰冰的粉丝' })).toBeVisible()
  await expect(page.getByText('未开通')).toBeVisible()
  await shot(page, info, '03-me')
})

test('a signed-out visitor who opens a members page is sent to sign in, then back', async ({ page }) => {
  await page.goto(baseUrl() + '/membership')
  await expect(page).toHaveURL(/\/login\?redirect=(%2F|\/)membership$/)
  await page.getByRole('button', { name: '模拟扫码' }).click()
  await page.getByLabel('昵称').fill('回跳测试')
  await page.getByRole('button', { name: '开始逛逛' }).click()
  await expect(page).toHaveURL(baseUrl() + '/membership')
})

test('buy membership with 模拟支付 and see the new end date and the paid order', async ({ page }, info) => {
  await signIn(page, '想当会员')
  await page.goto(baseUrl() + '/membership')
  await expect(page.getByText('你还不是会员')).toBeVisible()
  const plan = page.getByRole('radio').first()
  await expect(plan).toContainText('¥')
  await page.getByText('支付宝').click()
  await page.getByText('微信支付').click()
  await shot(page, info, '04-membership')
  await page.getByRole('button', { name: /立即开通/ }).click()
  await expect(page.getByText('请使用微信支付扫码支付')).toBeVisible()
  await expect(page.getByRole('img', { name: '长按识别二维码支付' })).toBeVisible()
  await shot(page, info, '05-pay-qr')
  await page.getByRole('button', { name: '模拟支付' }).click()
  const paid = page.getByText(/会员已开通，有效期至 \d{4}\/\d{2}\/\d{2}/)
  await expect(paid).toBeVisible()
  await expect(page.getByText(/会员有效期至 \d{4}\/\d{2}\/\d{2}/)).toBeVisible()
  await expect(page.getByText('已支付')).toBeVisible()
  await shot(page, info, '06-paid')
  await page.goto(baseUrl() + '/me')
  await expect(page.getByText(/会员至 \d{4}\/\d{2}\/\d{2}/)).toBeVisible()
})

test('buy membership with Alipay: its QR code, 模拟支付, the paid order', async ({ page }) => {
  await signIn(page, '支付宝会员')
  await page.goto(baseUrl() + '/membership')
  await page.getByText('支付宝').click()
  await page.getByRole('button', { name: /立即开通/ }).click()
  await expect(page.getByText('请使用支付宝扫码支付')).toBeVisible()
  await expect(page.getByRole('img', { name: '长按识别二维码支付' })).toBeVisible()
  await page.getByRole('button', { name: '模拟支付' }).click()
  await expect(page.getByText(/会员已开通，有效期至 \d{4}\/\d{2}\/\d{2}/)).toBeVisible()
  await expect(page.getByText('已支付')).toBeVisible()
  const orders = await page.request.get(baseUrl() + '/api/v1/billing/orders', {
    headers: { authorization: 'Bearer ' + (await accessToken(page)) },
  })
  expect((await orders.json())[0]).toMatchObject({ channel: 'alipay', state: 'paid' })
})

test('change the avatar on the Me page: it is uploaded, served and kept', async ({ page }, info) => {
  await signIn(page, '换头像的人')
  await page.goto(baseUrl() + '/me')
  await expect(page.locator('.no-avatar')).toBeVisible()
  await page.locator('input[type="file"][aria-label="更换头像"]').setInputFiles(pngFile('me.png', [40, 120, 200]))
  await expect(page.getByText('已保存')).toBeVisible()
  const avatar = page.locator('img[alt="更换头像"]')
  await expect(avatar).toHaveAttribute('src', /\/media\//)
  await expect.poll(() => avatar.evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBeGreaterThan(0)
  await shot(page, info, 'me-avatar')
  await page.reload()
  await expect(page.locator('img[alt="更换头像"]')).toHaveAttribute('src', /\/media\//)
  await expect(page.locator('.no-avatar')).toHaveCount(0)
})

test('sign out everywhere ends the session on the server', async ({ page }) => {
  await signIn(page, '要走了')
  const tokens = await page.evaluate(() => JSON.parse(localStorage.getItem('yujie.tokens') ?? 'null'))
  await page.goto(baseUrl() + '/me')
  await page.getByText('退出所有设备').click()
  await page.getByRole('button', { name: '确定' }).click()
  await expect(page).toHaveURL(baseUrl() + '/')
  expect(await page.evaluate(() => localStorage.getItem('yujie.tokens'))).toBeNull()
  const me = await fetch(baseUrl() + '/api/v1/me', { headers: { authorization: 'Bearer ' + tokens.access } })
  expect(me.status).toBe(401)
})

test('the app speaks English when chosen, and remembers it', async ({ page }) => {
  await signIn(page, 'Lang')
  await page.goto(baseUrl() + '/me')
  await page.getByRole('button', { name: 'English' }).click()
  await expect(page.getByText('Sign out everywhere')).toBeVisible()
  await page.reload()
  await expect(page.getByText('Sign out everywhere')).toBeVisible()
  await page.getByRole('button', { name: '简体中文' }).click()
  await expect(page.getByText('退出所有设备')).toBeVisible()
})
