// Persona profiles: create one with a photo through the UI and see it in her gallery;
// add, edit and delete an experience; find her by two characters of her name; report a
// photo; a file the server refuses shows the server's reason. Signed-out readers see
// her page and are sent to sign in when they act.
import { expect, test, type Page } from '@playwright/test'
import { accessToken, baseUrl, loadedImages, pngFile, shot, signIn } from './support'

/** Digits as Chinese characters, so every run gets names no earlier run used. */
const DIGITS = '零壹贰叁肆伍陆柒捌玖'
const chinese = (value: number) => Array.from(String(value), (digit) => DIGITS[Number(digit)]).join('')

/** Setup through the API (entries the screenshots show; the UI path is proved for experiences). */
async function addEntry(page: Page, personaId: string, entry: Record<string, unknown>) {
  const response = await fetch(`${baseUrl()}/api/v1/personas/${personaId}/entries`, {
    method: 'POST',
    headers: { authorization: 'Bearer ' + (await accessToken(page)), 'content-type': 'application/json' },
    body: JSON.stringify(entry),
  })
  expect(response.status).toBe(201)
}

test('create a persona with a photo, edit her entries, find her, report a photo, refuse a bad file', async ({ page, browser }, info) => {
  test.setTimeout(180_000)
  const tag = info.project.name === 'phone' ? '甲' : '乙'
  const unique = chinese(Date.now() % 1_000_000)
  const name = `林${tag}${unique}`
  const alias = `小林${unique.slice(-3)}`
  let personaUrl = ''

  await test.step('(a) create a persona with a photo and see it in her gallery', async () => {
    await signIn(page, `人物测试${tag}${unique.slice(-4)}`)
    await page.goto(baseUrl() + '/personas')
    await expect(page.getByRole('searchbox')).toBeVisible()
    await page.getByRole('button', { name: '创建人物' }).first().click()
    await expect(page).toHaveURL(/\/personas\/new$/)
    await page.getByLabel('名字').fill(name)
    await page.getByLabel('别名').fill(alias)
    await page.getByLabel('别名').press('Enter')
    await expect(page.getByRole('listitem').filter({ hasText: alias })).toBeVisible()
    await page.getByLabel('选择照片').setInputFiles(pngFile('cover.png'))
    await expect(page.getByRole('img', { name: '照片预览' })).toBeVisible()
    await shot(page, info, 'persona-create')

    await page.getByRole('button', { name: '创建', exact: true }).click()
    await expect(page).toHaveURL(/\/personas\/[0-9a-f-]{36}$/)
    personaUrl = page.url()
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
    await expect(page.getByText(alias)).toBeVisible()
    const gallery = page.getByRole('region', { name: '相册' })
    await expect(gallery.getByRole('button', { name: `${name}的照片 1` })).toBeVisible()
    await expect.poll(() => loadedImages(gallery)).toBe(1)
    await expect(gallery.getByText('封面')).toBeVisible()
  })

  await test.step('her page failing to load offers a retry', async () => {
    const id = personaUrl.split('/').pop()!
    await page.route(`**/api/v1/personas/${id}`, (route) =>
      route.fulfill({
        status: 500,
        contentType: 'application/problem+json',
        body: JSON.stringify({ type: '/problems/internal', title: 'Internal error', status: 500, code: 'internal' }),
      }), { times: 1 })
    await page.reload()
    await expect(page.getByText('人物主页加载失败')).toBeVisible()
    await page.getByRole('button', { name: '重试' }).click()
    await expect(page.getByRole('heading', { level: 1, name })).toBeVisible()
  })

  await test.step('(b) add an experience, see it under 经历, edit it, delete it', async () => {
    const text = `首次登上舞台，演唱原创歌曲 ${unique}`
    const edited = `首次登上大舞台，并获得掌声 ${unique}`
    await expect(page.getByRole('tab', { name: /^经历/ })).toHaveAttribute('aria-selected', 'true')
    await page.getByRole('button', { name: '添加经历' }).click()
    await page.getByLabel('时间', { exact: true }).fill('2015-06')
    await page.getByLabel('内容', { exact: true }).fill(text)
    await page.getByRole('button', { name: '保存' }).click()
    await expect(page.getByText('已添加')).toBeVisible()
    const panel = page.getByRole('tabpanel').filter({ has: page.getByRole('button', { name: '添加经历' }) })
    const event = panel.getByRole('listitem').filter({ hasText: text })
    await expect(event).toBeVisible()
    await expect(event.getByText('2015年6月')).toBeVisible()
    await expect(page.getByRole('tab', { name: '经历 1' })).toBeVisible()

    await event.getByRole('button', { name: '条目操作' }).click()
    await page.getByRole('button', { name: '编辑', exact: true }).click()
    await expect(page.getByLabel('内容', { exact: true })).toHaveValue(text)
    await page.getByLabel('内容', { exact: true }).fill(edited)
    await page.getByRole('button', { name: '保存' }).click()
    await expect(panel.getByText(edited)).toBeVisible()
    await expect(panel.getByText(text)).toHaveCount(0)

    await panel.getByRole('listitem').filter({ hasText: edited }).getByRole('button', { name: '条目操作' }).click()
    await page.getByRole('button', { name: '删除', exact: true }).click()
    await page.locator('.van-dialog').getByRole('button', { name: '删除' }).click()
    await expect(page.getByText('已删除')).toBeVisible()
    await expect(panel.getByText(edited)).toHaveCount(0)
    await expect(panel.getByText('还没有经历，补充第一条吧').first()).toBeVisible()
  })

  await test.step('screenshots of every tab', async () => {
    const id = personaUrl.split('/').pop()!
    await addEntry(page, id, { section: 'experience', occurred_on: '2012-09-01', text: '考入中央戏剧学院表演系。' })
    await addEntry(page, id, { section: 'experience', occurred_on: '2016', text: '主演首部电视剧，正式出道。' })
    await addEntry(page, id, { section: 'achievement', title: '年度最具潜力新人', year: 2017, issuer: '某某电视节' })
    await addEntry(page, id, { section: 'work', kind: 'film_tv', title: '春风十里', year: 2016, role: '林晓' })
    await addEntry(page, id, { section: 'work', kind: 'album', title: '夜航星', year: 2019, role: '主唱' })
    await addEntry(page, id, { section: 'work', kind: 'variety', title: '乘风破浪', year: 2021, role: '常驻嘉宾' })
    await page.reload()
    await expect(page.getByRole('tab', { name: '经历 2' })).toBeVisible()
    await shot(page, info, 'persona-experience')
    const tabs = [['成就', 'persona-achievement', '年度最具潜力新人'], ['作品', 'persona-work', '《春风十里》'], ['帖子', 'persona-posts', '还没有关于她的帖子']]
    for (const [tab, file, expected] of tabs) {
      await page.getByRole('tab', { name: new RegExp('^' + tab) }).click()
      await expect(page.getByRole('tab', { name: new RegExp('^' + tab) })).toHaveAttribute('aria-selected', 'true')
      await expect(page.getByRole('tabpanel').getByText(expected)).toBeVisible()
      await shot(page, info, file)
    }
  })

  await test.step('(c) search her by two characters of her name', async () => {
    await page.goto(baseUrl() + '/personas')
    // 最新 lists her first whatever other journeys made popular in the shared database.
    const newest = page.getByRole('tab', { name: '最新' })
    await newest.click()
    await expect(newest).toHaveAttribute('aria-selected', 'true')
    await expect(page.getByRole('tabpanel').getByRole('article', { name }).getByRole('link')).toBeVisible()
    await shot(page, info, 'persona-list')
    await newest.press('ArrowLeft')
    await expect(page.getByRole('tab', { name: '热门' })).toHaveAttribute('aria-selected', 'true')
    await expect(page.getByRole('tab', { name: '热门' })).toBeFocused()
    const needle = unique.slice(1, 3)
    await page.getByRole('searchbox').fill(needle)
    await expect(page.getByText(/找到 \d+ 位人物/)).toBeVisible()
    await expect(page.getByRole('link', { name: new RegExp(name) })).toBeVisible()
    await shot(page, info, 'persona-search')
    await page.getByRole('searchbox').fill('这个名字不存在' + unique)
    await expect(page.getByText(/没有找到「这个名字不存在/)).toBeVisible()
    await page.getByRole('searchbox').fill(needle)
    await page.getByRole('link', { name: new RegExp(name) }).click()
    await expect(page).toHaveURL(personaUrl)
  })

  await test.step('(d) report a photo from the viewer', async () => {
    await page.getByRole('button', { name: `${name}的照片 1` }).click()
    const viewer = page.locator('.persona-viewer')
    await expect(viewer).toBeVisible()
    await expect.poll(() => loadedImages(viewer)).toBeGreaterThan(0)
    await shot(page, info, 'persona-viewer')
    await viewer.getByRole('button', { name: '照片操作' }).click()
    await page.getByRole('button', { name: '举报照片' }).click()
    const reason = page.getByRole('radio', { name: '虚假信息' })
    await reason.click()
    await expect(reason).toHaveAttribute('aria-checked', 'true')
    await page.getByRole('button', { name: '提交' }).click()
    await expect(page.getByText('已收到举报，我们会尽快处理')).toBeVisible()
  })

  await test.step('(e) a file the server refuses shows its reason', async () => {
    await page.goto(baseUrl() + '/personas/new')
    await page.getByLabel('名字').fill(`${name}副本`)
    await page.getByLabel('选择照片').setInputFiles({ name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('这不是一张图片，只是文字。') })
    await page.getByRole('button', { name: '创建', exact: true }).click()
    // The server's refusal, chosen by its code and shown in Chinese (never its English text).
    const alert = page.getByRole('alert').filter({ hasText: '照片未通过检查' })
    await expect(alert).toHaveText('照片未通过检查：不支持的图片格式')
    await expect(page.getByText('人物已创建，但照片没有上传成功')).toBeVisible()
    await shot(page, info, 'persona-create-refused')
    await page.getByLabel('选择照片').setInputFiles({ name: 'big.txt', mimeType: 'text/plain', buffer: Buffer.from('x') })
    await expect(page.getByRole('alert').filter({ hasText: '只支持 JPG、PNG、WebP 或 GIF 格式的图片' })).toBeVisible()
    await page.getByRole('button', { name: '跳过，去她的主页' }).click()
    await expect(page.getByRole('heading', { level: 1, name: `${name}副本` })).toBeVisible()
  })

  await test.step('signed out, her page reads; acting sends to sign in', async () => {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: page.viewportSize() })
    const reader = await context.newPage()
    await reader.goto(personaUrl)
    await expect(reader.getByRole('heading', { level: 1, name })).toBeVisible()
    await expect(reader.getByText('《春风十里》')).toHaveCount(0)
    await reader.getByRole('tab', { name: /^作品/ }).click()
    await expect(reader.getByText('《春风十里》')).toBeVisible()
    const redirect = () => new URL(reader.url()).searchParams.get('redirect')
    const personaPath = new URL(personaUrl).pathname
    await reader.getByRole('button', { name: '添加作品' }).click()
    await expect(reader).toHaveURL(/\/login\?/)
    await expect.poll(redirect).toBe(personaPath)
    await reader.goto(personaUrl)
    await reader.getByRole('button', { name: '聊天' }).click()
    await expect(reader).toHaveURL(/\/login\?/)
    await expect.poll(redirect).toBe(personaPath.replace('/personas/', '/chat/'))
    await context.close()
  })
})
