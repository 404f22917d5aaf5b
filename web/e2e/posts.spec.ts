// The feed and posts: a member posts with two images (swiped through on a phone); another
// user comments; the two reply to each other; like, switch to dislike, undo; report; edit.
// Signed-out readers are sent to sign in when they act.
import { expect, test, type Locator } from '@playwright/test'
import { baseUrl, createPersona, grantMembership, loadedImages, pngFile, shot, signIn } from './support'

test('a member posts with images; others comment, reply, react and report', async ({ page, browser }, info) => {
  test.setTimeout(180_000)
  const tag = info.project.name === 'phone' ? 'P' : 'D'
  const stamp = Date.now().toString(36).slice(-5)
  const author = `晴天${tag}${stamp}`
  const reader = `路人${tag}${stamp}`
  const title = `生日会返图 ${tag}${stamp}`
  const body = `今天的舞台太美了！\n第二行：现场记录 ${stamp}`

  let postUrl = ''
  await test.step('(a) a member posts with two images; the post shows in the feed and its page', async () => {
    await signIn(page, author)
    await grantMembership(page)
    const personaName = `御姐${tag}${stamp}`
    await createPersona(page, personaName)

    // From the feed (kept alive while away): 发帖, choosing the persona in the picker.
    await page.goto(baseUrl() + '/')
    await expect(page.getByRole('heading', { name: '热门人物' })).toBeVisible()
    await page.getByRole('button', { name: '发帖' }).click()
    await expect(page).toHaveURL(/\/posts\/new$/)
    await page.getByText('选择人物').click()
    await page.getByPlaceholder('搜索人物的名字或别名').fill(personaName)
    await page.getByRole('button', { name: personaName }).click()
    await expect(page.getByRole('dialog', { name: '选择人物' })).toBeHidden()
    await expect(page.getByRole('button', { name: /关于谁/ })).toContainText(personaName)
    await page.getByLabel('标题').fill(title)
    await page.getByLabel('正文').fill(body)
    // A damaged image passes the browser's checks; the server refuses it and the tile says why.
    const broken = pngFile('broken.png')
    await page.getByLabel('添加图片').setInputFiles([{ ...broken, buffer: broken.buffer.subarray(0, 60) }])
    await page.getByRole('button', { name: '发布' }).click()
    await expect(page.getByRole('alert').filter({ hasText: '未通过' })).toBeVisible()
    await expect(page.getByText('第 1 张图片未通过：图片已损坏，或尺寸太大无法处理').first()).toBeVisible()
    await expect(page).toHaveURL(/\/posts\/new/)
    await page.getByRole('button', { name: '移除第 1 张图片' }).click()

    await page.getByLabel('添加图片').setInputFiles([pngFile('stage.png'), pngFile('fans.png', [40, 120, 220])])
    await expect(page.getByRole('img', { name: '第 2 张图片' })).toBeVisible()
    await expect(page.getByRole('alert')).toHaveCount(0)
    await page.getByText('活动日期').click()
    await page.getByRole('button', { name: '确定' }).click()
    await expect(page.getByText(/^\d{4}-\d{2}-\d{2}$/)).toBeVisible()
    await expect(page.getByRole('dialog', { name: '活动日期' })).toBeHidden()
    await expect(page.getByText(/^第 1 张图片未通过/)).toBeHidden()
    await shot(page, info, 'posts-compose')

    await page.getByRole('button', { name: '发布' }).click()
    await expect(page).toHaveURL(/\/posts\/[0-9a-f-]+$/)
    postUrl = page.url()
    await expect(page.getByRole('heading', { name: title })).toBeVisible()
    await expect(page.getByText('第二行：现场记录')).toBeVisible()
    await expect(page.getByRole('button', { name: /^查看第 \d 张大图$/ })).toHaveCount(2)
    const gallery = page.getByRole('region', { name: '共 2 张图片' })
    await expect.poll(() => loadedImages(gallery)).toBe(2)
    if (info.project.name === 'phone') {
      // A swipe to the left shows the second image (the indicator follows).
      const indicators = gallery.locator('.van-swipe__indicator')
      await expect(indicators.nth(0)).toHaveClass(/van-swipe__indicator--active/)
      await swipeLeft(gallery.locator('.van-swipe__track'))
      await expect(indicators.nth(1)).toHaveClass(/van-swipe__indicator--active/)
    }

    // Back to the feed it came from: the kept-alive feed reloads and shows the new post.
    await page.getByRole('button', { name: '返回' }).click()
    await expect(page).toHaveURL(baseUrl() + '/')
    const card = page.getByRole('article').filter({ hasText: title })
    await expect(card).toBeVisible()
    await expect(card.getByText(personaName)).toBeVisible()
    await expect(card.getByRole('button', { name: /^查看第 \d 张大图$/ })).toHaveCount(2)
    await expect.poll(() => loadedImages(card)).toBe(2)
    await expect(page.getByText('发布成功')).toBeHidden()
    await shot(page, info, 'posts-feed')

    await card.getByRole('button', { name: '查看第 2 张大图' }).click()
    await expect(page.locator('.van-image-preview__index')).toHaveText('2 / 2')
    await page.locator('.van-image-preview__close-icon').click()
    await card.getByRole('heading', { name: title }).click()
    await expect(page).toHaveURL(postUrl)
  })

  const readerContext = await browser.newContext()
  const other = await readerContext.newPage()
  const comment = `拍得真好！${stamp}`
  const reply = `谢谢喜欢～${stamp}`
  const answer = `期待下一场 ${stamp}`
  await test.step('(b) another user comments; the author replies; a reply to the reply names whom it answers', async () => {
    await signIn(other, reader)
    // Not a member: 发帖 explains and leads to the membership page.
    await other.getByRole('button', { name: '发帖' }).click()
    await expect(other).toHaveURL(/\/membership/)
    await other.goto(baseUrl() + '/posts/new')
    await expect(other.getByText('发帖是会员专属功能')).toBeVisible()
    await expect(other.getByRole('button', { name: '开通会员' })).toBeVisible()

    await other.goto(postUrl)
    await other.getByRole('toolbar', { name: '帖子互动' }).getByRole('button', { name: /说点什么/ }).click()
    await other.getByPlaceholder('说点什么…').fill(comment)
    await other.getByRole('button', { name: '发送' }).click()
    await expect(other.getByText('评论成功')).toBeVisible()
    await expect(other.getByRole('article').filter({ hasText: comment })).toBeVisible()

    await page.reload()
    const thread = page.getByRole('article').filter({ hasText: comment })
    await expect(thread).toBeVisible()
    await thread.getByRole('button', { name: '回复', exact: true }).click()
    await page.getByPlaceholder(`回复 @${reader}`).fill(reply)
    await page.getByRole('button', { name: '发送' }).click()
    await expect(thread.getByRole('group', { name: '1 条回复' })).toContainText(reply)
    await expect(page.getByRole('toolbar', { name: '帖子互动' }).getByRole('button', { name: '评论 2' })).toBeVisible()

    await other.reload()
    const replies = other.getByRole('article').filter({ hasText: comment }).getByRole('group', { name: '1 条回复' })
    await expect(replies).toContainText(reply)
    await replies.getByRole('button', { name: '回复', exact: true }).click()
    await other.getByPlaceholder(`回复 @${author}`).fill(answer)
    await other.getByRole('button', { name: '发送' }).click()
    const group = other.getByRole('article').filter({ hasText: comment }).getByRole('group', { name: '2 条回复' })
    await expect(group).toContainText(`回复 @${author}：${answer}`)

    await page.reload()
    const authorView = page.getByRole('article').filter({ hasText: comment }).getByRole('group', { name: '2 条回复' })
    await expect(authorView).toContainText(`回复 @${author}：${answer}`)
    await expect(authorView.getByText('作者')).toBeVisible()
    await shot(page, info, 'posts-detail-comments')
  })

  await test.step('(c) like, switch to dislike, undo: the counts follow each time', async () => {
    const bar = page.getByRole('toolbar', { name: '帖子互动' })
    const like = bar.getByRole('button', { name: '点赞' })
    const dislike = bar.getByRole('button', { name: '点踩' })
    await expect(like).toHaveText('赞')
    await expect(dislike).toHaveText('踩')

    await like.click()
    await expect(like).toHaveAttribute('aria-pressed', 'true')
    await expect(like).toHaveText('1')
    await expect(dislike).toHaveText('踩')

    await page.reload()
    await expect(like).toHaveText('1')
    await expect(like).toHaveAttribute('aria-pressed', 'true')

    await dislike.click()
    await expect(dislike).toHaveAttribute('aria-pressed', 'true')
    await expect(dislike).toHaveText('1')
    await expect(like).toHaveText('赞')
    await expect(like).toHaveAttribute('aria-pressed', 'false')

    await dislike.click()
    await expect(dislike).toHaveAttribute('aria-pressed', 'false')
    await expect(dislike).toHaveText('踩')
    await expect(like).toHaveText('赞')
  })

  await test.step('(d) the other user reports the post', async () => {
    await other.getByRole('button', { name: '更多操作', exact: true }).click()
    await other.getByRole('button', { name: '举报' }).click()
    const reason = other.getByRole('radio', { name: '虚假信息' })
    await reason.click()
    await expect(reason).toHaveAttribute('aria-checked', 'true')
    await other.getByRole('button', { name: '提交' }).click()
    await expect(other.getByText('已收到举报，我们会尽快处理')).toBeVisible()
  })

  await test.step('the author edits the post; it shows as edited', async () => {
    await page.getByRole('button', { name: '更多操作', exact: true }).click()
    await page.getByRole('button', { name: '编辑' }).click()
    await expect(page.getByLabel('标题')).toHaveValue(title)
    await page.getByLabel('标题').fill(title + '（修改）')
    await page.getByRole('button', { name: '保存修改' }).click()
    await expect(page.getByRole('heading', { name: title + '（修改）' })).toBeVisible()
    await expect(page.getByText('已编辑')).toBeVisible()
  })
  await readerContext.close()

  await test.step('a signed-out reader sees the post and is sent to sign in to act', async () => {
    const anonymous = await browser.newContext()
    const guest = await anonymous.newPage()
    await guest.goto(postUrl)
    await expect(guest.getByText(comment)).toBeVisible()
    await guest.getByRole('toolbar', { name: '帖子互动' }).getByRole('button', { name: '点赞' }).click()
    await expect(guest).toHaveURL(/\/login\?redirect=(%2F|\/)posts(%2F|\/)/)
    await anonymous.close()
  })

  await test.step('the author deletes the post; the feed kept alive drops it', async () => {
    const edited = title + '（修改）'
    await page.goto(baseUrl() + '/')
    const card = page.getByRole('article').filter({ hasText: edited })
    await expect(card).toBeVisible()
    await card.getByRole('heading', { name: edited }).click()
    await expect(page).toHaveURL(postUrl)
    await page.getByRole('button', { name: '更多操作', exact: true }).click()
    await page.getByRole('button', { name: '删除', exact: true }).click()
    await page.locator('.van-dialog').getByRole('button', { name: '删除' }).click()
    await expect(page.getByText('帖子已删除')).toBeVisible()
    await expect(page).toHaveURL(baseUrl() + '/')
    await expect(page.getByRole('heading', { name: '热门人物' })).toBeVisible()
    await expect(page.getByRole('article').filter({ hasText: edited })).toHaveCount(0)
    await page.goto(postUrl)
    await expect(page.getByText('帖子不存在或已被删除')).toBeVisible()
  })
})

/** A finger moving right to left across `target`, as touch events (phones only). */
async function swipeLeft(target: Locator) {
  const box = await target.boundingBox()
  if (!box) throw new Error('nothing to swipe')
  const y = box.y + box.height / 2
  const at = (x: number) => [{ identifier: 0, clientX: x, clientY: y }]
  const xs = [0.8, 0.65, 0.5, 0.35, 0.2].map((fraction) => box.x + box.width * fraction)
  await target.dispatchEvent('touchstart', { touches: at(xs[0]), changedTouches: at(xs[0]), targetTouches: at(xs[0]) })
  for (const x of xs.slice(1)) {
    await target.dispatchEvent('touchmove', { touches: at(x), changedTouches: at(x), targetTouches: at(x) })
  }
  const last = xs[xs.length - 1]
  await target.dispatchEvent('touchend', { touches: [], changedTouches: at(last), targetTouches: [] })
}
