// Lighthouse's accessibility audit (Debian Chromium, phone form factor) on the main pages,
// each at least 90. Lighthouse drives the same browser through its debugging port, in a
// persistent profile that is signed in as a member with a persona and a post to show.
import { chromium, expect, test } from '@playwright/test'
import lighthouse from 'lighthouse'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import config from '../playwright.config'
import { accessToken, baseUrl, createPersona, grantMembership, signIn } from './support'

const MIN_SCORE = 90
const PORT = 9300 + Math.floor(Math.random() * 600)

test('the main pages score at least 90 for accessibility in Lighthouse', async ({}, info) => {
  test.skip(info.project.name !== 'phone', 'one audit run, with the phone form factor')
  test.setTimeout(240_000)
  const profile = mkdtempSync(join(tmpdir(), 'yujie-lighthouse-'))
  const launch = config.use?.launchOptions ?? {}
  const context = await chromium.launchPersistentContext(profile, {
    ...launch,
    args: [...(launch.args ?? []), `--remote-debugging-port=${PORT}`],
    viewport: { width: 390, height: 844 },
    locale: 'zh-CN',
  })
  try {
    const page = await context.newPage()
    await signIn(page, '无障碍检查')
    await grantMembership(page)
    const personaId = await createPersona(page, '无障碍测试人物')
    const form = new FormData()
    form.set('persona_id', personaId)
    form.set('title', '无障碍测试帖子')
    form.set('text', '检查页面是否人人可用。')
    const posted = await fetch(baseUrl() + '/api/v1/posts', {
      method: 'POST',
      headers: { authorization: 'Bearer ' + (await accessToken(page)) },
      body: form,
    })
    expect(posted.status).toBe(201)
    const postId = (await posted.json()).id

    const pages = {
      home: '/',
      personas: '/personas',
      persona: `/personas/${personaId}`,
      post: `/posts/${postId}`,
      membership: '/membership',
      me: '/me',
      login: '/login',
    }
    const scores: Record<string, number> = {}
    const failing: Record<string, string[]> = {}
    const nodes: Record<string, Record<string, string[]>> = {}
    for (const [name, path] of Object.entries(pages)) {
      const result = await lighthouse(baseUrl() + path, {
        port: PORT,
        output: 'json',
        logLevel: 'error',
        onlyCategories: ['accessibility'],
        formFactor: 'mobile',
        screenEmulation: { mobile: true, width: 390, height: 844, deviceScaleFactor: 2, disabled: false },
        disableStorageReset: true,
      })
      const lhr = result!.lhr
      scores[name] = Math.round((lhr.categories.accessibility.score ?? 0) * 100)
      failing[name] = Object.values(lhr.audits)
        .filter((audit) => audit.score === 0 && audit.scoreDisplayMode === 'binary')
        .map((audit) => audit.id)
      nodes[name] = Object.fromEntries(
        failing[name].map((id) => {
          const items = ((lhr.audits[id].details as { items?: Array<{ node?: { snippet?: string } }> })?.items ?? []).slice(0, 5)
          return [id, items.map((item) => item.node?.snippet ?? '')]
        }),
      )
    }
    const report = join(import.meta.dirname, 'screenshots', 'lighthouse-accessibility.json')
    mkdirSync(join(import.meta.dirname, 'screenshots'), { recursive: true })
    writeFileSync(report, JSON.stringify({ scores, failing: nodes }, null, 2) + '\n')
    await info.attach('lighthouse-accessibility', { path: report, contentType: 'application/json' })
    for (const [name, score] of Object.entries(scores)) {
      expect(score, `${name}: ${score}, failing audits: ${failing[name].join(', ')}`).toBeGreaterThanOrEqual(MIN_SCORE)
    }
  } finally {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
  }
})
