import { describe, expect, it } from 'vitest'
import { ApiError } from '../src/api/problem'
import { errorMessage } from '../src/lib/errors'

const apiError = (status: number, code: string, detail?: string, context?: Record<string, unknown>, retryAfter?: number) =>
  new ApiError(status, code, detail ?? code, { type: `/problems/${code}`, title: code, status, code, detail, context: context as never }, retryAfter)

describe('errorMessage (zh-CN)', () => {
  it('names the ban reason and its end in Beijing time', () => {
    const message = errorMessage(apiError(403, 'user_banned', undefined, { reason: '发布广告', banned_until: '2026-12-03T04:00:00Z' }))
    expect(message).toBe('账号已被封禁至 2026/12/03 12:00：发布广告')
    expect(errorMessage(apiError(403, 'user_banned', undefined, { reason: '严重违规', banned_until: null }))).toBe('账号已被永久封禁：严重违规')
  })

  it("keeps the server's Chinese quota message, which names the reset itself", () => {
    const message = errorMessage(apiError(429, 'quota_exceeded', '今日 20 条免费消息已用完，将于北京时间 0 点重置', { resets_at: '2026-12-02T16:00:00Z' }))
    expect(message).toBe('今日 20 条免费消息已用完，将于北京时间 0 点重置')
  })

  it('shows no English server text in the Chinese app', () => {
    expect(errorMessage(apiError(403, 'forbidden', 'only its author deletes a comment'))).toBe('没有权限执行此操作')
    expect(errorMessage(apiError(409, 'conflict', 'you already have an open report on this item'))).toBe('已经操作过了，或内容已有变化，请刷新后再试')
    expect(errorMessage(apiError(500, 'internal', 'Internal error'))).toBe('服务繁忙，请稍后再试')
  })

  it('says when to retry after a rate limit, and names invalid fields', () => {
    expect(errorMessage(apiError(429, 'rate_limited', undefined, undefined, 42))).toBe('操作太频繁了，请 42 秒后再试')
    const invalid = new ApiError(422, 'invalid_field', 'images[1]: too large', {
      type: '/problems/invalid_field', title: 'A field is invalid', status: 422, code: 'invalid_field', detail: 'images[1]: too large',
      errors: [{ field: 'images[1]', message: 'too large' }, { field: 'title', message: 'too long' }],
    })
    expect(errorMessage(invalid)).toBe('填写有误：图片、标题')
  })

  it('names the field and the category of a refused text, never the word', () => {
    const refused = new ApiError(422, 'content_refused', 'text: contains words not allowed here (广告)', {
      type: '/problems/content_refused', title: 'The text contains words that are not allowed here', status: 422, code: 'content_refused',
      errors: [{ field: 'text', message: 'contains advert content' }], context: { category: 'advert', category_label: '广告' } as never,
    })
    expect(errorMessage(refused)).toBe('正文包含不允许发布的内容（广告），请修改后再试')
  })

  it('never shows raw JSON for unknown failures', () => {
    expect(errorMessage(new ApiError(0, 'network', 'Failed to fetch'))).toBe('网络连接失败，请检查网络后重试')
    expect(errorMessage(new Error('boom'))).toBe('出错了：boom')
  })
})
