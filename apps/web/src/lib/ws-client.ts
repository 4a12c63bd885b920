import {
  type AnalyticsSummary,
  type ClientFrame,
  ControlFrame,
  SequencedEvent,
  WS_CLOSE,
  WS_SUBPROTOCOL,
} from '@parley/protocol'

export type ConnectionStatus = 'connecting' | 'online' | 'offline'
type ErrorFrame = Extract<ControlFrame, { type: 'error' }>
/** Told of an `error` frame, with the text of each message it refused (a send's), so it can be given back. */
type ErrorListener = (frame: ErrorFrame, refused: readonly string[]) => void

/** What a conversation's listeners hear: its events in order, or "reload over REST" after a `resync`. */
export type ConversationUpdate = { kind: 'event'; event: SequencedEvent } | { kind: 'resync' }
type SendFrame = Extract<ClientFrame, { type: 'send' }>

/** The part of the browser `WebSocket` the client uses, so tests can pass a fake. */
export interface SocketLike {
  readonly readyState: number
  onopen: ((event: unknown) => void) | null
  onmessage: ((event: { data: unknown }) => void) | null
  onclose: ((event: { code: number }) => void) | null
  onerror: ((event: unknown) => void) | null
  send(data: string): void
  close(code?: number, reason?: string): void
}

export interface WsClientOptions {
  url: string
  /** A valid access token, or `undefined` when signed out (then the client stays offline). */
  getToken: () => Promise<string | undefined>
  /** Called after a 4001 close; resolves `true` when a new token was obtained and a reconnect makes sense. */
  refreshAuth: () => Promise<boolean>
  createSocket?: (url: string, protocols: string[]) => SocketLike
  random?: () => number
  baseDelayMs?: number
  maxDelayMs?: number
  newId?: () => string
}

const OPEN = 1

function parseFrame(data: unknown): ControlFrame | SequencedEvent | undefined {
  if (typeof data !== 'string') return undefined
  let json: unknown
  try {
    json = JSON.parse(data)
  } catch {
    return undefined
  }
  const control = ControlFrame.safeParse(json)
  if (control.success) return control.data
  const event = SequencedEvent.safeParse(json)
  return event.success ? event.data : undefined
}

/**
 * One socket for every open conversation. Reconnects by itself with exponential backoff and full jitter
 * (AWS Architecture Blog, "Exponential Backoff and Jitter"), re-subscribes with `after_seq` so missed events
 * are replayed exactly once, and re-sends messages the server has not yet `accepted` (it recognises a repeated
 * `client_message_id`, so nothing is sent twice).
 */
export function createWsClient(options: WsClientOptions) {
  const createSocket =
    options.createSocket ?? ((url, protocols) => new WebSocket(url, protocols) as unknown as SocketLike)
  const random = options.random ?? Math.random
  const newId = options.newId ?? (() => crypto.randomUUID())
  const baseDelayMs = options.baseDelayMs ?? 500
  const maxDelayMs = options.maxDelayMs ?? 15_000

  const listeners = new Map<string, Set<(update: ConversationUpdate) => void>>()
  /** Reads of a conversation over REST in progress, each with the events that arrived meanwhile. */
  const recordings = new Map<string, Set<SequencedEvent[]>>()
  const lastSeq = new Map<string, number>()
  const pendingSends = new Map<string, SendFrame>()
  const pendingListeners = new Set<() => void>()
  const pendingChanged = () => pendingListeners.forEach((listener) => listener())
  const statusListeners = new Set<(status: ConnectionStatus) => void>()
  const errorListeners = new Set<ErrorListener>()
  const summaryListeners = new Set<(summary: AnalyticsSummary) => void>()
  const listChangeListeners = new Set<() => void>()
  const listChanged = () => listChangeListeners.forEach((listener) => listener())
  let summaryInterval = 5
  let socket: SocketLike | undefined
  let ready = false
  let running = false
  let attempt = 0
  let status: ConnectionStatus = 'offline'
  let retryTimer: ReturnType<typeof setTimeout> | undefined
  /** The browser says there is no network: no attempt is made until it says it is back. */
  let browserOffline = false

  const setStatus = (next: ConnectionStatus) => {
    if (next === status) return
    status = next
    statusListeners.forEach((listener) => listener(next))
  }
  const write = (frame: ClientFrame) => {
    if (ready && socket?.readyState === OPEN) socket.send(JSON.stringify(frame))
    return ready
  }
  const subscribeFrame = (conversationId: string): ClientFrame => {
    const after = lastSeq.get(conversationId)
    return after === undefined
      ? { type: 'subscribe', conversation_id: conversationId }
      : { type: 'subscribe', conversation_id: conversationId, after_seq: after }
  }
  const dispatch = (conversationId: string, update: ConversationUpdate) =>
    listeners.get(conversationId)?.forEach((listener) => listener(update))

  function onFrame(frame: ControlFrame | SequencedEvent) {
    if ('seq' in frame) return onEvent(frame)
    switch (frame.type) {
      case 'ready':
        ready = true
        attempt = 0
        setStatus('online')
        for (const conversationId of listeners.keys()) write(subscribeFrame(conversationId))
        for (const pending of pendingSends.values()) write(pending)
        if (summaryListeners.size > 0) write({ type: 'analytics.subscribe', interval_seconds: summaryInterval })
        // What changed before this socket was ready (since the page read its list, or while reconnecting) was not heard.
        listChanged()
        return
      case 'subscribed':
        if (listeners.has(frame.conversation_id) && !lastSeq.has(frame.conversation_id)) {
          lastSeq.set(frame.conversation_id, frame.last_seq)
          // The page may have loaded the messages before this subscription took effect, and missed what happened
          // in between (a reply finishing): when anything has happened in the conversation, load them again now.
          if (frame.last_seq > 0) dispatch(frame.conversation_id, { kind: 'resync' })
        }
        return
      case 'resync':
        lastSeq.set(frame.conversation_id, frame.last_seq)
        return dispatch(frame.conversation_id, { kind: 'resync' })
      case 'accepted':
        if (pendingSends.delete(frame.client_message_id)) pendingChanged()
        return
      case 'error': {
        const refused: string[] = []
        if (frame.frame === 'send') {
          for (const [id, pending] of pendingSends) {
            if (pending.conversation_id !== frame.conversation_id) continue
            pendingSends.delete(id)
            refused.push(pending.content)
          }
          pendingChanged()
        }
        return errorListeners.forEach((listener) => listener(frame, refused))
      }
      case 'analytics.summary':
        return summaryListeners.forEach((listener) => listener(frame.summary))
      case 'conversations.changed':
        return listChanged()
      default:
        return // pong
    }
  }

  function onEvent(event: SequencedEvent) {
    if (!listeners.has(event.conversation_id)) return // the REST load covers what happened before subscribing
    const seen = lastSeq.get(event.conversation_id)
    if (seen !== undefined && event.seq <= seen) return // already applied before a reconnect
    lastSeq.set(event.conversation_id, event.seq)
    recordings.get(event.conversation_id)?.forEach((recorded) => recorded.push(event))
    dispatch(event.conversation_id, { kind: 'event', event })
  }

  function scheduleReconnect() {
    if (!running) return
    if (browserOffline) return setStatus('offline')
    setStatus(attempt === 0 ? 'connecting' : 'offline')
    const delay = Math.round(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** attempt))
    attempt += 1
    clearTimeout(retryTimer)
    retryTimer = setTimeout(() => void connect(), delay)
  }

  async function connect() {
    if (!running || socket) return
    setStatus('connecting')
    const token = await options.getToken()
    if (!running || socket) return
    if (!token) {
      running = false
      return setStatus('offline')
    }
    const current = createSocket(options.url, [WS_SUBPROTOCOL, `bearer.${token}`])
    socket = current
    current.onmessage = (event) => {
      const frame = parseFrame(event.data)
      if (frame && socket === current) onFrame(frame)
    }
    current.onclose = (event) => {
      if (socket !== current) return
      socket = undefined
      ready = false
      if (event.code === WS_CLOSE.forbidden) return stop()
      if (event.code === WS_CLOSE.unauthorized) {
        setStatus('connecting')
        void options.refreshAuth().then((renewed) => (renewed ? scheduleReconnect() : stop()))
        return
      }
      scheduleReconnect()
    }
    current.onerror = () => undefined // a close event always follows
  }

  function stop() {
    running = false
    clearTimeout(retryTimer)
    const current = socket
    socket = undefined
    ready = false
    current?.close(1000, 'bye')
    setStatus('offline')
  }

  return {
    /**
     * Keeps the conversation's events from now on, for a read of its messages over REST: the returned function
     * stops and gives them, oldest first, to bring what was read up to date (see `withEventsDuringRead`).
     */
    recordEvents(conversationId: string): () => SequencedEvent[] {
      const recorded: SequencedEvent[] = []
      const set = recordings.get(conversationId) ?? new Set()
      recordings.set(conversationId, set.add(recorded))
      return () => {
        set.delete(recorded)
        if (set.size === 0) recordings.delete(conversationId)
        return recorded
      }
    },
    start() {
      if (running) return
      running = true
      attempt = 0
      void connect()
    },
    stop,
    /** The browser reports the network gone: say so at once rather than after the socket times out. */
    goOffline() {
      browserOffline = true
      clearTimeout(retryTimer)
      const current = socket
      socket = undefined
      ready = false
      current?.close(1000, 'offline')
      if (running) setStatus('offline')
    },
    /** Skips the backoff wait, e.g. when the browser says it is back online. */
    reconnectNow() {
      browserOffline = false
      if (!running || socket) return
      clearTimeout(retryTimer)
      void connect()
    },
    status: () => status,
    onStatus(listener: (status: ConnectionStatus) => void) {
      statusListeners.add(listener)
      return () => void statusListeners.delete(listener)
    },
    /** `error` frames: a refused send (rate limit, too long), a failed stop, regenerate or edit. */
    onErrorFrame(listener: ErrorListener) {
      errorListeners.add(listener)
      return () => void errorListeners.delete(listener)
    },
    subscribe(conversationId: string, listener: (update: ConversationUpdate) => void) {
      const set = listeners.get(conversationId) ?? new Set()
      const first = set.size === 0
      set.add(listener)
      listeners.set(conversationId, set)
      if (first) write(subscribeFrame(conversationId))
      return () => {
        set.delete(listener)
        if (set.size > 0) return
        listeners.delete(conversationId)
        // Deferred, so an immediate re-subscribe (React StrictMode, a quick remount) continues with after_seq.
        queueMicrotask(() => {
          if (listeners.has(conversationId)) return
          lastSeq.delete(conversationId)
          write({ type: 'unsubscribe', conversation_id: conversationId })
        })
      }
    },
    /**
     * The account's conversation list changed (in this tab, another one or on another device), or may have before
     * the socket was ready (at first, or while reconnecting): time to reload it.
     */
    onConversationsChanged(listener: () => void) {
      listChangeListeners.add(listener)
      return () => void listChangeListeners.delete(listener)
    },
    /** Operators' live dashboard: `analytics.summary` frames every `intervalSeconds`, renewed after reconnects. */
    subscribeAnalytics(listener: (summary: AnalyticsSummary) => void, intervalSeconds = 5) {
      summaryInterval = intervalSeconds
      summaryListeners.add(listener)
      if (summaryListeners.size === 1) write({ type: 'analytics.subscribe', interval_seconds: intervalSeconds })
      return () => {
        summaryListeners.delete(listener)
        if (summaryListeners.size === 0) write({ type: 'analytics.unsubscribe' })
      }
    },
    /** Sends a user message now or after the next reconnect; returns its `client_message_id`. */
    sendMessage(input: Omit<SendFrame, 'type' | 'client_message_id'>) {
      const frame: SendFrame = { type: 'send', client_message_id: newId(), ...input }
      pendingSends.set(frame.client_message_id, frame)
      write(frame)
      pendingChanged()
      return frame.client_message_id
    },
    /** Messages sent but not yet accepted by the server (offline, or in flight), oldest first. */
    pendingMessages: (conversationId: string): readonly SendFrame[] =>
      [...pendingSends.values()].filter((frame) => frame.conversation_id === conversationId),
    onPendingChange(listener: () => void) {
      pendingListeners.add(listener)
      return () => void pendingListeners.delete(listener)
    },
    /** Sends `stop`, `regenerate` or `edit`; returns `false` when offline (nothing was sent). */
    send: (
      frame: Exclude<
        ClientFrame,
        SendFrame | { type: 'auth' | 'subscribe' | 'unsubscribe' | 'analytics.subscribe' | 'analytics.unsubscribe' }
      >,
    ) => write(frame),
  }
}

export type WsClient = ReturnType<typeof createWsClient>
