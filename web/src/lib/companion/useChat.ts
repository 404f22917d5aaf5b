// The chat with one persona: its conversations, the current one's history (older pages
// on demand), sending with the reply streamed in, today's quota and the quota-exhausted
// state. The page and its components only render this.
import { computed, reactive, ref, shallowRef } from 'vue'
import { showToast } from 'vant'
import { ApiError } from '../../api/problem'
import { api } from '../api'
import { reportError } from '../errors'
import { i18n } from '../../i18n'
import { streamReply, type ReplySignal } from './chatStream'
import type { ConversationView, MessageView, QuotaView } from '../../api/types'

const PAGE = 30
const t = (key: string) => i18n.global.t(key)

export type ItemState = 'sending' | 'typing' | 'streaming' | 'complete' | 'partial' | 'failed'

export interface ChatItem {
  /** The server's id, or a local one until `start` names it. */
  id: string
  role: 'user' | 'assistant'
  text: string
  state: ItemState
  created_at: string
  /** Why a reply failed or broke off. */
  error?: string
  /** The question a failed reply answered (for 重试). */
  question?: string
  disliked?: boolean
}

export interface Exhausted {
  resets_at: string
  limit: number
  member: boolean
}

let localIds = 0
const localId = () => `local-${Date.now()}-${++localIds}`

function fromServer(message: MessageView): ChatItem {
  return {
    id: message.id,
    role: message.role === 'user' ? 'user' : 'assistant',
    text: message.text,
    state: message.state === 'partial' ? 'partial' : message.state === 'failed' ? 'failed' : 'complete',
    created_at: message.created_at,
  }
}

export function useChat(personaId: () => string) {
  const conversations = ref<ConversationView[]>([])
  const conversation = ref<ConversationView | null>(null)
  const items = ref<ChatItem[]>([])
  const quota = ref<QuotaView | null>(null)
  const exhausted = ref<Exhausted | null>(null)
  const loading = ref(true)
  /** The first load (quota, conversations) failed; `init` again to retry. */
  const failed = ref(false)
  const loadingOlder = ref(false)
  const finished = ref(false)
  const sending = ref(false)
  const stream = shallowRef<AbortController | null>(null)
  let generation = 0

  const messagesLeft = computed(() => quota.value?.messages_left ?? null)

  async function loadQuota(): Promise<boolean> {
    try {
      quota.value = await api.get<QuotaView>('/api/v1/companion/quota')
      if (quota.value.messages_left === 0) {
        exhausted.value = {
          resets_at: quota.value.resets_at,
          limit: quota.value.messages_limit,
          member: quota.value.member,
        }
      } else exhausted.value = null
      return true
    } catch (error) {
      reportError(error)
      return false
    }
  }

  async function loadConversations() {
    conversations.value = await api.get<ConversationView[]>('/api/v1/companion/conversations', {
      query: { persona_id: personaId() },
    })
  }

  /** Loads the newest conversation of this persona (or none yet) and its latest page. */
  async function init() {
    loading.value = true
    failed.value = false
    try {
      const [quotaRead] = await Promise.all([loadQuota(), loadConversations()])
      if (!quotaRead) failed.value = true
      else await open(conversations.value[0] ?? null)
    } catch (error) {
      failed.value = true
      reportError(error)
    } finally {
      loading.value = false
    }
  }

  async function open(next: ConversationView | null) {
    stop()
    generation += 1
    conversation.value = next
    items.value = []
    finished.value = !next
    if (next) await loadOlder()
  }

  /** The page before the oldest loaded message; returns how many arrived. */
  async function loadOlder(): Promise<number> {
    const current = conversation.value
    if (!current || loadingOlder.value || finished.value) return 0
    loadingOlder.value = true
    const mine = generation
    try {
      const oldest = items.value.find((item) => !item.id.startsWith('local-'))
      const page = await api.get<MessageView[]>(`/api/v1/companion/conversations/${encodeURIComponent(current.id)}/messages`, {
        query: { limit: PAGE, before: oldest?.created_at },
      })
      if (mine !== generation) return 0
      const seen = new Set(items.value.map((item) => item.id))
      const older = page.filter((message) => !seen.has(message.id)).reverse().map(fromServer)
      items.value = [...older, ...items.value]
      finished.value = page.length < PAGE
      return older.length
    } catch (error) {
      reportError(error)
      return 0
    } finally {
      loadingOlder.value = false
    }
  }

  async function startNew(): Promise<boolean> {
    try {
      const created = await api.post<ConversationView>('/api/v1/companion/conversations', { persona_id: personaId() })
      conversations.value = [created, ...conversations.value.filter((item) => item.id !== created.id)]
      await open(created)
      return true
    } catch (error) {
      if (error instanceof ApiError && error.code === 'not_found') showToast({ message: t('companion.chat.notReady'), duration: 3000 })
      else reportError(error)
      return false
    }
  }

  function onExhausted(error: ApiError) {
    const context = (error.problem?.context ?? {}) as Record<string, unknown>
    exhausted.value = {
      resets_at: String(context.resets_at ?? quota.value?.resets_at ?? ''),
      limit: Number(context.limit ?? quota.value?.messages_limit ?? 0),
      member: quota.value?.member ?? false,
    }
    if (quota.value) quota.value = { ...quota.value, messages_left: 0 }
  }

  function adjustLeft(delta: number) {
    if (quota.value) quota.value = { ...quota.value, messages_left: Math.max(0, quota.value.messages_left + delta) }
  }

  /** Sends one message; false when it was not taken (the text stays in the input). */
  async function send(text: string): Promise<boolean> {
    const body = text.trim()
    if (!body || sending.value || exhausted.value) return false
    sending.value = true
    try {
      if (!conversation.value && !(await startNew())) return false
      const current = conversation.value!
      const now = new Date().toISOString()
      const question = reactive<ChatItem>({ id: localId(), role: 'user', text: body, state: 'sending', created_at: now })
      const reply = reactive<ChatItem>({ id: localId(), role: 'assistant', text: '', state: 'typing', created_at: now, question: body })
      items.value.push(question, reply)
      const controller = new AbortController()
      stream.value = controller
      let ended = false
      const apply = (signal: ReplySignal) => {
        switch (signal.type) {
          case 'start':
            question.id = signal.message_id
            question.state = 'complete'
            reply.id = signal.reply_id
            adjustLeft(-1)
            break
          case 'delta':
            reply.state = 'streaming'
            reply.text += signal.text
            break
          case 'replace':
            reply.state = 'streaming'
            reply.text = signal.text
            break
          case 'done':
            reply.state = 'complete'
            ended = true
            break
          case 'failed':
            // The server's `detail` is Chinese only; the signal says which case it is.
            reply.state = signal.partial ? 'partial' : 'failed'
            reply.error = t(signal.partial ? 'companion.chat.failedPartial' : 'companion.chat.failedRefunded')
            ended = true
            if (!signal.partial) adjustLeft(1)
            showToast({ message: reply.error, duration: 3000 })
            break
        }
      }
      try {
        await streamReply(current.id, body, apply, controller.signal)
        if (!ended) {
          reply.state = reply.text ? 'partial' : 'failed'
          reply.error = t('companion.chat.interrupted')
        }
        return true
      } catch (error) {
        if (controller.signal.aborted) return true
        if (question.state === 'sending') {
          // Refused before the stream: nothing was stored or taken.
          items.value = items.value.filter((item) => item !== question && item !== reply)
          if (error instanceof ApiError && error.code === 'quota_exceeded') onExhausted(error)
          else reportError(error)
          return false
        }
        reply.state = reply.text ? 'partial' : 'failed'
        reply.error = t('companion.chat.interrupted')
        reportError(error)
        return true
      } finally {
        if (stream.value === controller) stream.value = null
      }
    } finally {
      sending.value = false
    }
  }

  async function dislike(item: ChatItem, reason: string): Promise<boolean> {
    try {
      await api.post(`/api/v1/companion/replies/${encodeURIComponent(item.id)}/dislike`, { reason: reason.trim() || null })
      item.disliked = true
      return true
    } catch (error) {
      reportError(error)
      return false
    }
  }

  /** Stops a reply in progress (leaving the page, switching conversations). */
  function stop() {
    stream.value?.abort()
    stream.value = null
  }

  return {
    conversations, conversation, items, quota, exhausted, loading, failed, loadingOlder, finished, sending, messagesLeft,
    init, open, loadOlder, startNew, send, dislike, stop, loadQuota, loadConversations,
  }
}
