// The AI companion (F3): a non-member chats with a persona until today's 20 free messages
// are used up (exactly 20 replies, then the quota state), gives a reply a 点踩 with a
// reason, pages back through the history and switches conversations; voice calls in
// local mode run their countdown, end by 挂断 and when the provider ends them.
import { expect, test, type Page } from '@playwright/test'
import { baseUrl, shot, signIn } from './support'

const INTERNAL_TOKEN = 'local-only-internal-token'

async function accessToken(page: Page): Promise<string> {
  const tokens = await page.evaluate(() => JSON.parse(localStorage.getItem('yujie.tokens') ?? 'null'))
  expect(tokens?.access).toBeTruthy()
  return tokens.access as string
}

/**
 * Creates a persona through the API and waits until the companion has learned it (the
 * knowledge sync polls every 5 s): until then a conversation with it is refused (404).
 */
async function createPersona(page: Page, name: string): Promise<string> {
  const access = await accessToken(page)
  const headers = { authorization: 'Bearer ' + access, 'content-type': 'application/json' }
  const created = await fetch(baseUrl() + '/api/v1/personas', { method: 'POST', headers, body: JSON.stringify({ name }) })
  expect(created.status).toBe(201)
  const id = (await created.json()).id as string
  await expect
    .poll(
      async () =>
        (await fetch(baseUrl() + '/api/v1/companion/conversations', { method: 'POST', headers, body: JSON.stringify({ persona_id: id }) }))
          .status,
      { timeout: 20_000, intervals: [250, 500, 1000] },
    )
    .toBe(201)
  return id
}

const unique = () => Date.now().toString(36).slice(-4)

test('a non-member chats until the 20 free messages are used up, 点踩 a reply, and pages the history', async ({ page }, info) => {
  test.setTimeout(240_000)
  await signIn(page, '聊天测试' + unique())
  const name = '沈清秋' + unique()
  const personaId = await createPersona(page, name)

  await page.goto(baseUrl() + '/chat/' + personaId)
  await expect(page.getByRole('link', { name: new RegExp(name) })).toBeVisible()
  await expect(page.getByText('今日剩余 20/20 条')).toBeVisible()
  await expect(page.getByText(`和${name}聊聊吧`)).toBeVisible()
  await shot(page, info, 'chat-welcome')

  const input = page.getByLabel('输入消息')
  const replies = page.getByRole('log').getByRole('article', { name: `${name}的回复` })
  const mine = page.getByRole('log').getByRole('article', { name: '我的消息' })

  // Shift+Enter is a new line; Enter sends.
  await input.fill('第一行')
  await input.press('Shift+Enter')
  await input.pressSequentially('第二行')
  await expect(input).toHaveValue('第一行\n第二行')
  await input.press('Enter')
  await expect(input).toHaveValue('')
  await expect(mine.first()).toContainText('第一行\n第二行')
  await expect(replies).toHaveCount(1)
  await expect(replies.first()).toContainText('本地替身')
  await expect(page.getByRole('button', { name: '点踩' })).toHaveCount(1)
  await expect(page.getByText('今日剩余 19/20 条')).toBeVisible()

  for (let sent = 2; sent <= 20; sent++) {
    await input.fill(`第 ${sent} 条：你最近在忙什么？`)
    await input.press('Enter')
    await expect(replies).toHaveCount(sent)
    // The reply is finished (streamed to the end) when its 点踩 appears.
    await expect(page.getByRole('button', { name: '点踩' })).toHaveCount(sent)
    if (sent === 3) await shot(page, info, 'chat-replies')
  }
  await expect(page.getByText('今日剩余 0/20 条')).toBeVisible()

  // The 21st attempt is refused: the quota state, its reset time, the way to membership.
  await input.fill('还想再聊一句')
  await input.press('Enter')
  await expect(page.getByText('今日 20 条免费消息已用完')).toBeVisible()
  await expect(page.getByText(/将于 \d{4}\/\d{2}\/\d{2} 00:00（北京时间）重置/)).toBeVisible()
  await expect(page.getByRole('link', { name: '开通会员' })).toHaveAttribute('href', '/membership')
  await expect(input).toBeDisabled()
  await expect(replies).toHaveCount(20)
  await expect(mine).toHaveCount(20)
  await shot(page, info, 'chat-quota-exhausted')

  // 点踩 with a reason.
  await page.getByRole('button', { name: '点踩' }).first().click()
  await expect(page.getByText('这条回复哪里不好？')).toBeVisible()
  await page.getByRole('button', { name: '答非所问' }).click()
  await page.getByLabel('补充说明').fill('没有回答我的问题')
  await shot(page, info, 'chat-dislike')
  await page.getByRole('button', { name: '提交' }).click()
  await expect(page.getByText('感谢反馈')).toBeVisible()
  await expect(page.getByRole('button', { name: '已踩' })).toHaveCount(1)
  const feedback = await fetch(`${process.env.YUJIE_E2E_STAFF}/internal/companion/feedback?persona_id=${personaId}`, {
    headers: { authorization: 'Bearer ' + INTERNAL_TOKEN },
  })
  expect(feedback.ok).toBeTruthy()
  expect(JSON.stringify(await feedback.json())).toContain('答非所问：没有回答我的问题')

  // A reload knows the quota is used up before any attempt, and pages older messages in.
  await page.reload()
  await expect(page.getByText('今日 20 条免费消息已用完')).toBeVisible()
  await expect(input).toBeDisabled()
  await expect(replies).toHaveCount(15)
  await page.getByRole('log').evaluate((element) => (element.scrollTop = 0))
  await expect(replies).toHaveCount(20)
  await expect(mine.first()).toContainText('第一行')

  // 新对话, then back to the first one through 历史对话.
  await page.getByRole('button', { name: '新对话' }).click()
  await expect(page.getByText(`和${name}聊聊吧`)).toBeVisible()
  await expect(replies).toHaveCount(0)
  await page.getByRole('button', { name: '历史对话' }).click()
  const sheet = page.getByRole('dialog', { name: '历史对话' })
  await expect(sheet.getByRole('button', { name: /第 \d 次对话/ })).toHaveCount(2)
  await expect(sheet.getByRole('button', { name: /第 2 次对话/ })).toHaveAttribute('aria-current', 'true')
  await shot(page, info, 'chat-history')
  await sheet.getByRole('button', { name: /第 1 次对话/ }).click()
  await expect(sheet).toBeHidden()
  await expect(replies).toHaveCount(15)
})

test('a voice call in local mode counts down, hangs up, and shows its duration', async ({ page }, info) => {
  test.setTimeout(120_000)
  await signIn(page, '通话测试' + unique())
  const name = '顾曼卿' + unique()
  const personaId = await createPersona(page, name)

  await page.goto(baseUrl() + '/call/' + personaId)
  await expect(page.getByRole('heading', { name })).toBeVisible()
  await expect(page.getByText('本地模式：语音服务是本地替身，没有真实的音频')).toBeVisible()
  await expect(page.getByText('10 分', { exact: true })).toBeVisible()
  await shot(page, info, 'call-dial')
  await page.getByRole('button', { name: '开始通话' }).click()

  const timer = page.getByRole('timer', { name: '剩余通话时长' })
  await expect(timer).toBeVisible()
  const seconds = async () => {
    const [m, s] = (await timer.innerText()).trim().split(':').map(Number)
    return m * 60 + s
  }
  const first = await seconds()
  expect(first).toBeGreaterThan(590)
  expect(first).toBeLessThanOrEqual(600)
  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(first)
  await expect(page.getByText('通话中')).toBeVisible()
  await shot(page, info, 'call-in-progress')

  await expect.poll(seconds, { timeout: 5_000 }).toBeLessThan(first - 1)
  await page.getByRole('button', { name: '挂断' }).click()
  await expect(page.getByRole('heading', { name: '通话已结束' })).toBeVisible()
  await expect(page.getByText('你挂断了通话')).toBeVisible()
  const duration = page.getByText('通话时长', { exact: true }).locator('xpath=following-sibling::dd')
  await expect(duration).toHaveText(/^00:0[2-9]$/)
  const used = Number((await duration.innerText()).split(':')[1])
  await expect(page.getByText('今日剩余通话时长', { exact: true }).locator('xpath=following-sibling::dd')).toHaveText(
    used === 0 ? '10 分' : `9 分 ${60 - used} 秒`,
  )
  await expect(timer).toHaveCount(0)
  await shot(page, info, 'call-ended')
})

test('a call the provider ends (simulate-stop) ends in the app', async ({ page }, info) => {
  test.setTimeout(120_000)
  await signIn(page, '挂断测试' + unique())
  const personaId = await createPersona(page, '苏念' + unique())

  await page.goto(baseUrl() + '/call/' + personaId)
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/api/v1/companion/calls') && r.request().method() === 'POST'),
    page.getByRole('button', { name: '开始通话' }).click(),
  ])
  expect(response.status()).toBe(201)
  const roomId = (await response.json()).rtc.room_id as string
  await expect(page.getByRole('timer', { name: '剩余通话时长' })).toBeVisible()

  // The provider's side: the agent the server started in this room, then its taskStop.
  const state = await (await fetch(baseUrl() + '/_standin/ai/state')).json()
  const task = (state.voice_started as string[]).find((entry) => entry.startsWith(roomId + '/'))
  expect(task).toBeTruthy()
  const stopped = await fetch(baseUrl() + '/_standin/ai/rtc/simulate-stop', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ room_id: roomId, task_id: task!.slice(roomId.length + 1) }),
  })
  expect(stopped.ok).toBeTruthy()
  expect((await stopped.json()).delivered).toBe(200)

  await expect(page.getByRole('heading', { name: '通话已结束' })).toBeVisible()
  await expect(page.getByText('对方已结束通话')).toBeVisible()
  await expect(page.getByRole('timer')).toHaveCount(0)
  await expect(page.getByRole('button', { name: '再次通话' })).toBeVisible()
  await shot(page, info, 'call-ended-by-provider')
})
