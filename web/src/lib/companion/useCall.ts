// A voice call's life: request it, join the room (not in local mode), count the voice
// seconds down by the server's deadline, send heartbeats as often as the server asks,
// poll the call so an end from the server or the provider shows at once, and end it by
// hang-up or when the time runs out. A reload resumes a running call. Leaving the page
// disposes it: from then on every step that was still waiting (the start request, the
// room join, a resume) hangs the call up instead of going on.
import { computed, onBeforeUnmount, ref, shallowRef } from 'vue'
import { ApiError } from '../../api/problem'
import { api } from '../api'
import { reportError } from '../errors'
import { detectLocalMode } from '../localMode'
import type { CallView, QuotaView, StartedCall } from '../../api/types'
import { joinVoice, type VoiceSession } from './voiceClient'

export type CallPhase = 'idle' | 'connecting' | 'running' | 'ending' | 'ended'

export interface VoiceExhausted {
  resets_at: string
  limit: number
  member: boolean
}

/** How often the call is read back, so an end elsewhere shows within this time. */
const POLL_MS = 3000
const storageKey = (personaId: string) => `yujie.call.${personaId}`

export function useCall(personaId: () => string) {
  const phase = ref<CallPhase>('idle')
  const call = ref<CallView | null>(null)
  const quota = ref<QuotaView | null>(null)
  const exhausted = ref<VoiceExhausted | null>(null)
  const local = ref(false)
  const muted = ref(false)
  const agentJoined = ref(false)
  const autoplayBlocked = ref(false)
  const audioError = ref('')
  const now = ref(Date.now())
  const voice = shallowRef<VoiceSession | null>(null)
  /** Server time minus this device's time, from the call's start. */
  let skew = 0
  let timers: number[] = []
  let ending = false
  /** The page is gone: nothing may start timers, join the room or keep a call. */
  let disposed = false

  const serverNow = computed(() => now.value + skew)
  const remaining = computed(() =>
    call.value ? Math.max(0, Math.ceil((new Date(call.value.deadline_at).getTime() - serverNow.value) / 1000)) : 0,
  )
  const elapsed = computed(() => (call.value ? Math.max(0, Math.floor((serverNow.value - new Date(call.value.started_at).getTime()) / 1000)) : 0))
  const voiceLeft = computed(() => quota.value?.voice_secs_left ?? null)

  /** Today's quota; false when it could not be read (the error is shown). */
  async function loadQuota(): Promise<boolean> {
    try {
      quota.value = await api.get<QuotaView>('/api/v1/companion/quota')
      exhausted.value = quota.value.voice_secs_left === 0
        ? { resets_at: quota.value.resets_at, limit: quota.value.voice_secs_limit, member: quota.value.member }
        : null
      return true
    } catch (error) {
      reportError(error)
      return false
    }
  }

  function clearTimers() {
    timers.forEach((id) => window.clearInterval(id))
    timers = []
  }

  async function leaveRoom() {
    const session = voice.value
    voice.value = null
    agentJoined.value = false
    await session?.leave().catch(() => {})
  }

  /** The call has ended (whoever ended it): show its summary and what is left today. */
  async function finish(view: CallView) {
    clearTimers()
    call.value = view
    phase.value = 'ended'
    sessionStorage.removeItem(storageKey(personaId()))
    await leaveRoom()
    if (!disposed) await loadQuota()
  }

  function observe(view: CallView) {
    if (phase.value === 'ended') return
    if (view.state === 'ended') finish(view)
  }

  const path = (id: string) => `/api/v1/companion/calls/${encodeURIComponent(id)}`

  /** Ends a call the page no longer shows (it was left while the call was starting). */
  function abandon(id: string) {
    sessionStorage.removeItem(storageKey(personaId()))
    api.post(path(id) + '/hangup').catch(() => {})
  }

  async function heartbeat() {
    if (!call.value || phase.value !== 'running') return
    try {
      observe(await api.post<CallView>(path(call.value.id) + '/heartbeat'))
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) await hangUp()
    }
  }

  async function poll() {
    if (!call.value || phase.value === 'ended') return
    try {
      observe(await api.get<CallView>(path(call.value.id)))
    } catch {
      // a missed poll changes nothing; the next one (or the heartbeat) tells
    }
  }

  /** The time is up: the server ends the call at its deadline; confirm, or hang up. */
  async function timeUp() {
    if (ending || phase.value !== 'running') return
    ending = true
    phase.value = 'ending'
    await leaveRoom()
    for (let attempt = 0; attempt < 4 && call.value; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 1000))
      if (disposed) return
      try {
        const view = await api.get<CallView>(path(call.value.id))
        if (view.state === 'ended') return finish(view)
      } catch {
        // try again
      }
    }
    ending = false
    await hangUp()
  }

  function tick() {
    now.value = Date.now()
    if (phase.value === 'running' && remaining.value <= 0) timeUp()
  }

  /** `fresh`: the call was created just now, so its started_at tells the server's clock. */
  async function connect(started: StartedCall, fresh: boolean) {
    if (disposed) return abandon(started.call.id)
    call.value = started.call
    skew = fresh ? new Date(started.call.started_at).getTime() - Date.now() : 0
    if (started.call.state === 'ended') return finish(started.call)
    const seconds = Math.max(1, started.heartbeat_secs)
    timers.push(window.setInterval(tick, 250), window.setInterval(heartbeat, seconds * 1000), window.setInterval(poll, POLL_MS))
    phase.value = 'running'
    now.value = Date.now()
    if (local.value) return
    try {
      const session = await joinVoice(started.rtc, {
        onAgentJoined: () => (agentJoined.value = true),
        onRoomEnded: () => poll(),
        onAutoplayBlocked: () => (autoplayBlocked.value = true),
        cancelled: () => disposed,
      })
      // Left while joining: the unmount already hung up; close the microphone and the room.
      if (disposed) {
        await session.leave().catch(() => {})
        return
      }
      voice.value = session
    } catch (error) {
      if (disposed) return
      audioError.value = error instanceof Error ? error.message : String(error)
      await hangUp()
    }
  }

  async function start() {
    if (disposed || phase.value === 'connecting' || phase.value === 'running') return
    phase.value = 'connecting'
    call.value = null
    audioError.value = ''
    muted.value = false
    local.value = await detectLocalMode()
    if (disposed) return
    try {
      const started = await api.post<StartedCall>('/api/v1/companion/calls', { persona_id: personaId() })
      if (disposed) return abandon(started.call.id)
      sessionStorage.setItem(storageKey(personaId()), JSON.stringify(started))
      await connect(started, true)
    } catch (error) {
      if (disposed) return
      phase.value = 'idle'
      if (error instanceof ApiError && error.code === 'quota_exceeded') {
        const context = (error.problem?.context ?? {}) as Record<string, unknown>
        exhausted.value = {
          resets_at: String(context.resets_at ?? quota.value?.resets_at ?? ''),
          limit: Number(context.limit ?? quota.value?.voice_secs_limit ?? 0),
          member: quota.value?.member ?? false,
        }
      } else reportError(error)
    }
  }

  async function hangUp() {
    if (!call.value || phase.value === 'ended') return
    phase.value = 'ending'
    clearTimers()
    await leaveRoom()
    try {
      await finish(await api.post<CallView>(path(call.value.id) + '/hangup'))
    } catch (error) {
      reportError(error)
      const view = await api.get<CallView>(path(call.value.id)).catch(() => null)
      if (view) await finish(view)
      else phase.value = 'ended'
    }
  }

  async function toggleMute() {
    muted.value = !muted.value
    try {
      await voice.value?.setMuted(muted.value)
    } catch (error) {
      muted.value = !muted.value
      reportError(error)
    }
  }

  async function resumePlayback() {
    autoplayBlocked.value = false
    await voice.value?.resumePlayback().catch(reportError)
  }

  /** After a reload: the running call of this persona, if any. */
  async function resume(): Promise<boolean> {
    const saved = sessionStorage.getItem(storageKey(personaId()))
    if (disposed || !saved || phase.value !== 'idle') return false
    let started: StartedCall
    try {
      started = JSON.parse(saved) as StartedCall
    } catch {
      sessionStorage.removeItem(storageKey(personaId()))
      return false
    }
    try {
      const view = await api.get<CallView>(path(started.call.id))
      if (view.state !== 'running') {
        sessionStorage.removeItem(storageKey(personaId()))
        return false
      }
      local.value = await detectLocalMode()
      // Left while this was being read: leaving a running call hangs it up.
      if (disposed) {
        abandon(view.id)
        return false
      }
      await connect({ ...started, call: view }, false)
      return true
    } catch (error) {
      // Forget the call only when the server does not know it; a network blip keeps it.
      if (error instanceof ApiError && error.status === 404) sessionStorage.removeItem(storageKey(personaId()))
      return false
    }
  }

  function reset() {
    call.value = null
    phase.value = 'idle'
  }

  onBeforeUnmount(() => {
    disposed = true
    clearTimers()
    // A call still starting is hung up by `start`/`connect`/`resume` when their request returns.
    if (call.value && phase.value !== 'ended' && phase.value !== 'idle') abandon(call.value.id)
    leaveRoom()
  })

  return {
    phase, call, quota, exhausted, local, muted, agentJoined, autoplayBlocked, audioError, remaining, elapsed, voiceLeft,
    loadQuota, start, hangUp, toggleMute, resumePlayback, resume, reset,
  }
}
