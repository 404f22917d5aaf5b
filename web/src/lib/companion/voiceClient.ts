// The voice room through the provider's web SDK (@volcengine/rtc), loaded only when a
// real call starts so the main bundle stays small. Local mode never loads it: its RTC is
// a stand-in with no audio.
import type { StartedCall } from '../../api/types'

export interface VoiceHandlers {
  /** The persona's voice agent joined the room (its audio plays automatically). */
  onAgentJoined?: () => void
  /** The agent left, or the room ended (token expired, kicked, dismissed). */
  onRoomEnded?: (reason: string) => void
  /** The browser blocked audio playback until a tap. */
  onAutoplayBlocked?: () => void
  /** True once the page is gone: stop before the microphone turns on. */
  cancelled?: () => boolean
}

/** The join was cancelled (the page was left while it was under way). */
class JoinCancelled extends Error {
  constructor() {
    super('cancelled')
    this.name = 'JoinCancelled'
  }
}

export interface VoiceSession {
  setMuted(muted: boolean): Promise<void>
  /** Plays the remote audio after a tap (autoplay policies). */
  resumePlayback(): Promise<void>
  leave(): Promise<void>
}

export async function joinVoice(rtc: StartedCall['rtc'], handlers: VoiceHandlers): Promise<VoiceSession> {
  const sdk = await import('@volcengine/rtc')
  if (handlers.cancelled?.()) throw new JoinCancelled()
  const VERTC = sdk.default
  const engine = VERTC.createEngine(rtc.app_id)
  const events = VERTC.events
  let agentId: string | null = null
  engine.on(events.onUserJoined, (event) => {
    agentId = event.userInfo.userId
    handlers.onAgentJoined?.()
  })
  engine.on(events.onUserLeave, (event) => {
    if (event.userInfo.userId === agentId) handlers.onRoomEnded?.('agent_left')
  })
  engine.on(events.onError, (event) => handlers.onRoomEnded?.(String(event.errorCode)))
  engine.on(events.onAutoplayFailed, () => handlers.onAutoplayBlocked?.())
  let left = false
  const leave = async () => {
    if (left) return
    left = true
    try {
      await engine.stopAudioCapture()
      await engine.leaveRoom()
    } catch {
      // leaving a room that is already gone
    } finally {
      VERTC.destroyEngine(engine)
    }
  }
  try {
    await engine.joinRoom(
      rtc.token,
      rtc.room_id,
      { userId: rtc.user_id },
      { isAutoPublish: true, isAutoSubscribeAudio: true, isAutoSubscribeVideo: false },
    )
    if (handlers.cancelled?.()) throw new JoinCancelled()
    await engine.startAudioCapture()
    if (handlers.cancelled?.()) throw new JoinCancelled()
  } catch (error) {
    await leave()
    throw error
  }
  return {
    async setMuted(muted: boolean) {
      if (muted) await engine.unpublishStream(sdk.MediaType.AUDIO)
      else await engine.publishStream(sdk.MediaType.AUDIO)
    },
    async resumePlayback() {
      if (agentId) await engine.play(agentId, sdk.MediaType.AUDIO)
    },
    leave,
  }
}
