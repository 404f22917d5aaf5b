// The staff console's journey, as the README promises it after `make run`: a fan reports a
// post and a comment through the user API; a moderator signs in through the OIDC stand-in,
// finds both in the queue and removes the post; an admin signs in and bans the author for
// 7 days from the queue; the author's next call is refused with the reason and the end;
// the audit log shows both actions. The console is a desktop tool: desktop viewport only.
import { expect, test, type Page } from '@playwright/test'
import { accessToken, baseUrl, createPersona, grantMembership, shot, signIn } from './support'

const staffUrl = () => process.env.YUJIE_E2E_STAFF ?? ''

async function api(page: Page, method: string, path: string, body: BodyInit, contentType?: string) {
  const headers: Record<string, string> = { authorization: 'Bearer ' + (await accessToken(page)) }
  if (contentType) headers['content-type'] = contentType
  return fetch(baseUrl() + path, { method, headers, body })
}

/** Signs a staff identity of the stand-in in, from the console's own sign-in page. */
async function staffSignIn(page: Page, identity: string) {
  await page.goto(staffUrl() + '/staff/')
  await page.getByTestId('sign-in').click()
  await page.getByRole('button', { name: identity }).click()
  await expect(page.getByTestId('staff-name')).toHaveText(identity)
}

test('a moderator removes a reported post, an admin bans its author for 7 days, the audit log shows both', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'the staff console is laid out for desktops')
  const fans = await browser.newContext()
  const author = await fans.newPage()
  const authorName = `阿花${Date.now() % 100000}`
  let post = ''
  let comment = ''
  await test.step('a member posts and comments; another fan reports both through the API', async () => {
    await signIn(author, authorName)
    await grantMembership(author)
    const persona = await createPersona(author, '控制台测试姐姐')
    const form = new FormData()
    form.set('persona_id', persona)
    form.set('title', '加微信领福利')
    form.set('text', '私聊我有好东西')
    const created = await api(author, 'POST', '/api/v1/posts', form)
    expect(created.status).toBe(201)
    post = (await created.json()).id
    const said = await api(author, 'POST', `/api/v1/posts/${post}/comments`, JSON.stringify({ text: '谁举报谁是小狗' }), 'application/json')
    expect(said.status).toBe(201)
    comment = (await said.json()).id
    const reporter = await (await browser.newContext()).newPage()
    await signIn(reporter, '热心群众')
    for (const [kind, id, reason, note] of [['post', post, 'spam', '引流广告'], ['comment', comment, 'abuse', '骂人']]) {
      const body = JSON.stringify({ target_kind: kind, target_id: id, reason, note })
      expect((await api(reporter, 'POST', '/api/v1/reports', body, 'application/json')).status).toBe(201)
    }
  })

  const desk = await browser.newContext()
  const staff = await desk.newPage()
  await test.step('a moderator signs in through the stand-in and removes the post', async () => {
    await staff.goto(staffUrl() + '/staff/')
    await expect(staff.getByTestId('sign-in')).toBeVisible()
    await shot(staff, info, 'console-sign-in')
    await staffSignIn(staff, '审核员 李娜')
    const entry = staff.locator(`[data-testid="queue-entry"][data-target="post/${post}"]`)
    await expect(entry).toContainText('加微信领福利')
    await expect(entry).toContainText('引流广告')
    await expect(entry).toContainText(authorName)
    await expect(entry.getByTestId('action-ban')).toHaveCount(0)
    await shot(staff, info, 'console-queue-moderator')
    await entry.getByTestId('action-remove').click()
    await staff.getByTestId('reason-input').fill('站外引流广告')
    await staff.getByTestId('confirm-action').click()
    await expect(entry).toHaveCount(0)
    expect((await fetch(`${baseUrl()}/api/v1/posts/${post}`)).status).toBe(404)
    await staff.getByTestId('sign-out').click()
    await expect(staff.getByTestId('sign-in')).toBeVisible()
  })

  await test.step('an admin bans the author of the reported comment for 7 days', async () => {
    await staffSignIn(staff, '管理员 王强')
    const entry = staff.locator(`[data-testid="queue-entry"][data-target="comment/${comment}"]`)
    await expect(entry).toContainText('谁举报谁是小狗')
    await entry.getByTestId('action-ban').click()
    await staff.getByTestId('ban-days-7').click()
    await staff.getByTestId('reason-input').fill('多次发布引流广告并辱骂他人')
    await shot(staff, info, 'console-ban-dialog')
    await staff.getByTestId('confirm-action').click()
    await expect(entry).toContainText('封禁至')
    await shot(staff, info, 'console-queue-admin')
  })

  await test.step("the author's next call is refused with the reason and the end of the ban", async () => {
    const refused = await fetch(baseUrl() + '/api/v1/me/posts', { headers: { authorization: 'Bearer ' + (await accessToken(author)) } })
    expect(refused.status).toBe(403)
    const problem = await refused.json()
    expect(problem.code).toBe('user_banned')
    expect(problem.context.reason).toBe('多次发布引流广告并辱骂他人')
    const days = (Date.parse(problem.context.banned_until) - Date.now()) / 86_400_000
    expect(days).toBeGreaterThan(6.9)
    expect(days).toBeLessThanOrEqual(7)
  })

  await test.step('the audit log shows both actions, newest first', async () => {
    await staff.getByRole('menuitem', { name: '审计日志' }).click()
    const rows = staff.getByTestId('audit-table').locator('tbody tr.el-table__row')
    await expect(rows.nth(0)).toContainText('管理员 王强')
    await expect(rows.nth(0)).toContainText('多次发布引流广告并辱骂他人')
    await expect(rows.nth(1)).toContainText('审核员 李娜')
    await expect(rows.nth(1)).toContainText('站外引流广告')
    await shot(staff, info, 'console-audit')
  })

  await test.step('the console speaks English on request, and remembers it', async () => {
    await staff.locator('label.el-radio-button', { hasText: 'English' }).click()
    await expect(staff.getByRole('menuitem', { name: 'Report queue' })).toBeVisible()
    await expect(staff.getByRole('menuitem', { name: 'Audit log' })).toBeVisible()
    await staff.reload()
    await expect(staff.getByRole('menuitem', { name: 'Audit log' })).toBeVisible()
    await shot(staff, info, 'console-audit-english')
    await staff.locator('label.el-radio-button', { hasText: '中文' }).click()
    await expect(staff.getByRole('menuitem', { name: '审计日志' })).toBeVisible()
  })
})

test('an admin signs a moderator out everywhere from the accounts page', async ({ browser }, info) => {
  test.skip(info.project.name !== 'desktop', 'the staff console is laid out for desktops')
  const moderator = await (await browser.newContext()).newPage()
  await staffSignIn(moderator, '审核员 李娜')
  const admin = await (await browser.newContext()).newPage()
  await staffSignIn(admin, '管理员 王强')
  await admin.getByRole('menuitem', { name: '员工账号' }).click()
  const row = admin.getByTestId('accounts-table').locator('tbody tr.el-table__row', { hasText: '审核员 李娜' })
  const own = admin.getByTestId('accounts-table').locator('tbody tr.el-table__row', { hasText: '管理员 王强' })
  await expect(own.getByRole('button')).toHaveCount(0) // one's own sessions end with 退出登录
  const button = row.getByRole('button', { name: '强制下线' })
  await expect(button).toBeEnabled()
  await shot(admin, info, 'console-accounts')
  await button.click()
  await expect(admin.getByText('确定让「审核员 李娜」在所有设备上退出登录吗？')).toBeVisible()
  await admin.locator('.el-message-box').getByRole('button', { name: '强制下线' }).click()
  await expect(admin.getByText(/「审核员 李娜」已下线，结束 \d+ 个会话/)).toBeVisible()
  await expect(button).toBeDisabled()

  await moderator.reload()
  await expect(moderator.getByTestId('sign-in')).toBeVisible()
  await admin.getByRole('menuitem', { name: '审计日志' }).click()
  const latest = admin.getByTestId('audit-table').locator('tbody tr.el-table__row').nth(0)
  await expect(latest).toContainText('强制下线')
  await expect(latest).toContainText('管理员 王强')
})
