// Content safety in the app: a post whose text hides a lexicon word behind full-width
// letters and symbols is refused, and the compose page says which field and which
// category, never the word. The word is added through the staff listener's internal API.
import { expect, test } from '@playwright/test'
import { baseUrl, createPersona, grantMembership, shot, signIn } from './support'

const INTERNAL_TOKEN = 'local-only-internal-token'

test('a post with an evasive lexicon word is refused with the field and the category', async ({ page }, info) => {
  const tag = info.project.name === 'phone' ? 'P' : 'D'
  const stamp = Date.now().toString(36).slice(-5)
  const added = await fetch(`${process.env.YUJIE_E2E_STAFF}/internal/safety/words`, {
    method: 'POST',
    headers: { authorization: 'Bearer ' + INTERNAL_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ word: 'spamlink', category: 'advert', action: 'block', added_by: 'e2e' }),
  })
  expect(added.ok).toBeTruthy()

  await signIn(page, `守法${tag}${stamp}`)
  await grantMembership(page)
  const persona = await createPersona(page, `安全${tag}${stamp}`)
  await page.goto(`${baseUrl()}/posts/new?persona=${persona}`)
  await page.getByLabel('标题').fill('福利')
  await page.getByLabel('正文').fill('点这里 ＳＰ@Ａ#Ｍ*ＬＩ~ＮＫ 领福利')
  await page.getByRole('button', { name: '发布' }).click()
  const message = '正文包含不允许发布的内容（广告），请修改后再试'
  await expect(page.getByText(message).first()).toBeVisible()
  await expect(page).toHaveURL(/\/posts\/new/)
  await expect(page.getByText(/spamlink/i)).toHaveCount(0)
  await shot(page, info, 'safety-refused-post')
})
