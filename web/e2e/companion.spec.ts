// The AI companion (F3): a non-member chats with a persona until today's 20 free messages
// are used up (exactly 20 replies, then the quota state), gives a reply a 点踩 with a
// reason, pages back through the history and switches conversations; voice calls in
// local mode run their countdown, end by 挂断, when the provider ends them, and when their
// heartbeats stop reaching the server.
import { expect, test, type Page } from '@playwright/test'
import { accessToken, baseUrl, shot, signIn } from './support'

const INTERNAL_TOKEN = 'local-only-internal-token'

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
  // The call used 2–9 s of today's 10 minutes: exactly that much is left.
  const used = Number((await duration.innerText()).split(':')[1])
  await expect(page.getByText('今日剩余通话时长', { exact: true }).locator('xpath=following-sibling::dd')).toHaveText(
    `9 分 ${60 - used} 秒`,
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

test('a call whose heartbeats stop reaching the server ends with 网络中断', async ({ page }, info) => {
  test.skip(info.project.name !== 'desktop', 'the server-side timeout (30 s) is the same on every viewport: run it once')
  test.setTimeout(120_000)
  await signIn(page, '断线测试' + unique())
  const personaId = await createPersona(page, '沈清' + unique())
  // The network drops every heartbeat; the page still polls the call's state.
  let dropped = 0
  await page.route(/\/api\/v1\/companion\/calls\/[^/]+\/heartbeat$/, (route) => {
    dropped += 1
    return route.abort('internetdisconnected')
  })
  await page.goto(baseUrl() + '/call/' + personaId)
  await page.getByRole('button', { name: '开始通话' }).click()
  await expect(page.getByRole('timer', { name: '剩余通话时长' })).toBeVisible()
  await expect(page.getByRole('heading', { name: '通话已结束' })).toBeVisible({ timeout: 75_000 })
  await expect(page.getByText('网络中断，通话已结束')).toBeVisible()
  expect(dropped).toBeGreaterThan(0)
  await expect(page.getByRole('timer')).toHaveCount(0)
  await shot(page, info, 'call-ended-heartbeat')
})

const unavailable = {
  status: 503,
  contentType: 'application/problem+json',
  body: JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'unavailable', detail: '服务繁忙' }),
}

test('the chat and the call offer a retry when the first load fails', async ({ page }, info) => {
  test.setTimeout(90_000)
  await signIn(page, '重试测试' + unique())
  const name = '林知夏' + unique()
  const personaId = await createPersona(page, name)

  // The persona cannot be read (not a 404): a retry, not 加载中… for ever.
  const personaUrl = `**/api/v1/personas/${personaId}`
  await page.route(personaUrl, (route) => route.fulfill(unavailable))
  await page.goto(baseUrl() + '/chat/' + personaId)
  await expect(page.getByText('加载失败，请检查网络后重试')).toBeVisible()
  await expect(page.getByText('加载中…')).toHaveCount(0)
  await expect(page.getByLabel('输入消息')).toHaveCount(0)
  await shot(page, info, 'chat-load-failed')
  await page.unroute(personaUrl)
  await page.getByRole('button', { name: '重试' }).click()
  await expect(page.getByRole('link', { name: new RegExp(name) })).toBeVisible()
  await expect(page.getByText('今日剩余 20/20 条')).toBeVisible()
  await expect(page.getByLabel('输入消息')).toBeEnabled()

  // Today's quota cannot be read on the call page: a retry, then the dial.
  const quotaUrl = '**/api/v1/companion/quota'
  await page.route(quotaUrl, (route) => route.fulfill(unavailable))
  await page.goto(baseUrl() + '/call/' + personaId)
  await expect(page.getByText('加载失败，请检查网络后重试')).toBeVisible()
  await expect(page.getByRole('button', { name: '开始通话' })).toHaveCount(0)
  await shot(page, info, 'call-load-failed')
  await page.unroute(quotaUrl)
  await page.getByRole('button', { name: '重试' }).click()
  await expect(page.getByText('10 分', { exact: true })).toBeVisible()
  await expect(page.getByRole('button', { name: '开始通话' })).toBeEnabled()
})

test('leaving while a call connects cancels it: the call is hung up, not left running', async ({ page }) => {
  test.setTimeout(90_000)
  await signIn(page, '离开测试' + unique())
  const personaId = await createPersona(page, '许知远' + unique())
  await page.goto(baseUrl() + '/call/' + personaId)
  await expect(page.getByRole('button', { name: '开始通话' })).toBeEnabled()

  // Hold the start request until the page has been left.
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/api/v1/companion/calls', async (route) => {
    if (route.request().method() !== 'POST') return route.continue()
    await held
    await route.continue()
  })
  await page.getByRole('button', { name: '开始通话' }).click()
  await expect(page.getByRole('button', { name: '开始通话' })).toBeDisabled()
  await page.getByRole('button', { name: '返回' }).click()
  const dialog = page.getByRole('dialog').filter({ hasText: '正在接通，离开将取消这次通话' })
  await expect(dialog).toBeVisible()
  await dialog.getByRole('button', { name: '挂断' }).click()
  await expect(page).toHaveURL(new RegExp('/chat/' + personaId))

  const started = page.waitForResponse((r) => r.url().endsWith('/api/v1/companion/calls') && r.request().method() === 'POST')
  release()
  const response = await started
  expect(response.status()).toBe(201)
  const callId = (await response.json()).call.id as string
  const headers = { authorization: 'Bearer ' + (await accessToken(page)) }
  await expect
    .poll(
      async () => {
        const view = await (await fetch(`${baseUrl()}/api/v1/companion/calls/${callId}`, { headers })).json()
        return `${view.state}/${view.end_reason}`
      },
      { timeout: 10_000 },
    )
    .toBe('ended/hangup')
})

test('a failed reply says why in the UI language, not in the server’s words', async ({ page }) => {
  test.setTimeout(90_000)
  await signIn(page, '失败测试' + unique())
  const name = '陈若雪' + unique()
  const personaId = await createPersona(page, name)
  await page.evaluate(() => localStorage.setItem('yujie.locale', 'en'))

  // The reply stream as the server sends it when the provider fails: first before any
  // text (the message is given back), then after part of the reply.
  const signals = [
    [{ type: 'start', message_id: 'm1', reply_id: 'r1' }, { type: 'failed', reply_id: 'r1', partial: false, detail: '服务端原文一' }],
    [
      { type: 'start', message_id: 'm2', reply_id: 'r2' },
      { type: 'delta', text: 'Half a' },
      { type: 'failed', reply_id: 'r2', partial: true, detail: '服务端原文二' },
    ],
  ]
  let sent = 0
  await page.route('**/api/v1/companion/conversations/*/messages', (route) => {
    if (route.request().method() !== 'POST') return route.continue()
    const body = signals[sent++].map((signal) => `event: reply\ndata: ${JSON.stringify(signal)}\n\n`).join('')
    return route.fulfill({ status: 200, contentType: 'text/event-stream', body })
  })
  await page.goto(baseUrl() + '/chat/' + personaId)
  const input = page.getByLabel('Message', { exact: true })
  const replies = page.getByRole('log').getByRole('article', { name: `Reply from ${name}` })

  await input.fill('hello')
  await input.press('Enter')
  await expect(replies.first()).toContainText('The AI service failed; this message was not counted')
  await expect(page.getByText('20/20 left today')).toBeVisible()

  await input.fill('again')
  await input.press('Enter')
  await expect(replies.nth(1)).toContainText('Half a')
  await expect(replies.nth(1)).toContainText('The AI service broke off; the reply is incomplete')
  await expect(page.getByText('19/20 left today')).toBeVisible()
  await expect(page.getByText(/服务端原文/)).toHaveCount(0)
})
