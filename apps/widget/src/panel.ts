import type { GuestHistoryItem, GuestHistoryResponse, Message, StreamedChatEvent } from '@parley/protocol'
import { EventSourceParserStream } from 'eventsource-parser/stream'
import { type PanelContext, type PanelHandle, apiUrl } from './context.ts'
import { renderMarkdown } from './markdown.ts'
import { PANEL_CSS } from './panel-styles.ts'
import { WidgetError, forgetToken, request, savedToken, startSession } from './session.ts'

const NO_ANSWER = 'Sorry, no answer could be produced right now. Please try again.'

type EndedReply = Pick<Message, 'content' | 'finish_reason'> & { status: Message['status'] | null }

/** What the visitor reads for each failure, and whether trying again can help. */
function describe(error: WidgetError): { text: string; retry: boolean; restart: boolean } {
  switch (error.code) {
    case 'rate_limited':
      return {
        text: `You are sending messages too quickly. Please wait ${error.retryAfterSeconds ?? 60} seconds, then try again.`,
        retry: true,
        restart: false,
      }
    case 'message_cap_reached':
      return { text: 'This conversation has reached its message limit.', retry: false, restart: false }
    case 'widget_disabled':
      return { text: 'The chat is switched off at the moment.', retry: true, restart: false }
    case 'session_revoked':
    case 'invalid_token':
    case 'widget_mismatch':
    case 'not_found':
      return { text: 'This conversation has ended.', retry: false, restart: true }
    case 'validation_failed':
    case 'proof_of_work_invalid':
      return { text: error.message, retry: true, restart: false }
    default:
      return { text: 'The chat service cannot be reached right now.', retry: true, restart: false }
  }
}

function mountPanel(context: PanelContext): PanelHandle {
  const { widgetId, base, config, container } = context
  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, className?: string) => {
    const node = document.createElement(tag)
    if (className) node.className = className
    return node
  }
  const shadow = container.getRootNode() as ShadowRoot
  const sheet = new CSSStyleSheet()
  sheet.replaceSync(PANEL_CSS)
  shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet]
  const titleId = `parley-title-${widgetId}`
  const panel = el(
    'section',
    `panel ${context.inline ? 'inline' : 'floating'} ${config.position === 'bottom-left' ? 'left' : 'right'}`,
  )
  panel.setAttribute('role', context.inline ? 'region' : 'dialog')
  panel.setAttribute('aria-labelledby', titleId)
  const head = el('div', 'head')
  const title = el('h2')
  title.id = titleId
  title.textContent = config.title
  head.append(title)
  if (!context.inline) {
    const close = el('button', 'icon')
    close.type = 'button'
    close.setAttribute('aria-label', 'Close chat')
    close.textContent = '×'
    close.addEventListener('click', context.close)
    head.append(close)
    panel.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') context.close()
    })
  }
  const log = el('div', 'log')
  log.setAttribute('role', 'log')
  log.setAttribute('aria-label', 'Conversation')
  log.tabIndex = 0
  const notice = el('div', 'notice')
  notice.setAttribute('role', 'alert')
  notice.hidden = true
  const noticeText = el('span')
  const noticeAction = el('button')
  noticeAction.type = 'button'
  notice.append(noticeText, noticeAction)

  const emailForm = el('form', 'form')
  const emailLabel = el('label', 'field')
  emailLabel.textContent = 'Your e-mail address'
  const email = el('input')
  email.type = 'email'
  email.required = true
  email.autocomplete = 'email'
  emailLabel.append(email)
  const start = el('button')
  start.type = 'submit'
  start.textContent = 'Start chat'
  emailForm.append(emailLabel, start)

  const messageForm = el('form', 'form')
  const messageLabel = el('label', 'field')
  const messageName = el('span', 'sr')
  messageName.textContent = 'Message'
  const message = el('textarea')
  message.rows = 2
  message.required = true
  message.placeholder = 'Type your message…'
  messageLabel.append(messageName, message)
  const send = el('button')
  send.type = 'submit'
  send.textContent = 'Send'
  messageForm.append(messageLabel, send)

  panel.append(head, log, notice, emailForm, messageForm)
  container.append(panel)

  let token = savedToken(widgetId)
  let busy = false
  let pending: string | undefined

  const showForms = () => {
    const needEmail = !token && config.ask_email
    emailForm.hidden = !needEmail
    messageForm.hidden = needEmail
  }

  function bubble(role: 'user' | 'bot', text: string): HTMLElement {
    const node = el('div', `msg ${role}`)
    if (role === 'user') node.textContent = text
    else node.append(renderMarkdown(text))
    log.append(node)
    log.scrollTop = log.scrollHeight
    return node
  }

  /**
   * A reply as it ended, live or restored from the history: its text, and a line saying so when it is incomplete
   * (the widget has no Continue; asking again, or for the rest, does). A failure with no text says only that.
   */
  function showEndedReply(reply: HTMLElement, ended: EndedReply) {
    const troubled = ended.status === 'failed' || ended.status === 'interrupted'
    showReply(reply, troubled && !ended.content ? NO_ANSWER : ended.content)
    const incomplete =
      ended.finish_reason === 'length'
        ? 'The answer was cut short: it reached its length limit.'
        : troubled && ended.content
          ? 'The answer stopped before it was finished. Please try again.'
          : undefined
    if (!incomplete) return
    const ending = el('p', 'ending')
    ending.textContent = incomplete
    reply.append(ending)
  }

  function clearNotice() {
    notice.hidden = true
  }

  function showError(error: unknown) {
    const known = error instanceof WidgetError ? error : new WidgetError('unreachable', 'unreachable')
    const { text, retry, restart } = describe(known)
    if (restart) {
      forgetToken(widgetId)
      token = undefined
    }
    noticeText.textContent = text
    noticeAction.hidden = !retry && !restart
    noticeAction.textContent = restart ? 'Start a new chat' : 'Try again'
    noticeAction.onclick = () => {
      clearNotice()
      if (restart) {
        log.replaceChildren()
        greet()
        showForms()
        focus()
      } else if (pending !== undefined) void deliver(pending, false)
      else void restore()
    }
    notice.hidden = false
  }

  function greet() {
    if (config.greeting) bubble('bot', config.greeting)
  }

  async function restore() {
    log.replaceChildren()
    greet()
    showForms()
    if (!token) return
    try {
      for (const turn of (await readHistory(50)).messages) {
        bubble('user', turn.message)
        if (turn.status === 'streaming') void follow(bubble('bot', turn.response ?? ''))
        else if (turn.response || turn.status === 'failed') showStoredReply(bubble('bot', ''), turn)
      }
    } catch (error) {
      showError(error)
      showForms()
    }
  }

  async function readHistory(limit: number): Promise<GuestHistoryResponse> {
    const response = await request(apiUrl(base, 'chat/history', widgetId, { limit: String(limit) }), {
      headers: { authorization: `Bearer ${token}` },
    })
    return (await response.json()) as GuestHistoryResponse
  }

  /**
   * A reply that was still being written when the page loaded: its stream belonged to the page that sent the
   * message, so this page follows it from the server, its text so far and then the rest as it comes. Sending waits
   * for it, as it would live.
   */
  async function follow(reply: HTMLElement) {
    setAwaitingReply(true)
    reply.setAttribute('aria-busy', 'true')
    try {
      const response = await request(apiUrl(base, 'chat/follow', widgetId), {
        headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
      })
      // It may have ended between reading the history and following it: then its stored end is read.
      if (!(await readEvents(response, reply))) {
        const turn = (await readHistory(1)).messages.at(-1)
        if (turn) showStoredReply(reply, turn)
      }
    } catch (error) {
      showError(error)
    } finally {
      reply.setAttribute('aria-busy', 'false')
      setAwaitingReply(false)
    }
  }

  /** A reply as the history stored it when it ended. */
  function showStoredReply(reply: HTMLElement, turn: GuestHistoryItem) {
    showEndedReply(reply, { content: turn.response ?? '', status: turn.status, finish_reason: turn.finish_reason })
  }

  /** While a reply is being written, sending waits for it. */
  function setAwaitingReply(awaiting: boolean) {
    busy = awaiting
    send.disabled = awaiting
  }

  /** A reply's text so far, kept in view. */
  function showReply(reply: HTMLElement, text: string) {
    reply.replaceChildren(renderMarkdown(text))
    log.scrollTop = log.scrollHeight
  }

  /** Sends a message and streams the reply into its bubble (Server-Sent Events over `fetch`). */
  async function deliver(text: string, showUser = true) {
    if (busy) return
    setAwaitingReply(true)
    pending = text
    clearNotice()
    if (showUser) bubble('user', text)
    let reply: HTMLElement | undefined
    try {
      token ??= await startSession(base, widgetId, { proofOfWork: config.proof_of_work })
      const response = await request(apiUrl(base, 'chat', widgetId), {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'text/event-stream' },
        body: JSON.stringify({ message: text }),
      })
      reply = bubble('bot', '')
      reply.setAttribute('aria-busy', 'true')
      await readEvents(response, reply)
      pending = undefined
    } catch (error) {
      if (reply && reply.textContent === '') reply.remove()
      showError(error)
    } finally {
      reply?.setAttribute('aria-busy', 'false')
      setAwaitingReply(false)
    }
  }

  /** Shows a reply's events as they arrive (Server-Sent Events); whether the reply ended in them. */
  async function readEvents(response: Response, reply: HTMLElement): Promise<boolean> {
    const events = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream())
    let content = ''
    let ended = false
    const render = () => showReply(reply, content)
    const reader = events.getReader()
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      const event = JSON.parse(next.value.data) as StreamedChatEvent
      if (event.type === 'reply.delta') {
        content += event.text
        render()
      } else if (event.type === 'reply.started') {
        // Followed from another page, it starts with the text written so far.
        content = event.message.content
        render()
      } else if (
        event.type === 'reply.completed' ||
        event.type === 'reply.interrupted' ||
        event.type === 'reply.failed'
      ) {
        ended = true
        const finish_reason = event.type === 'reply.completed' ? event.finish_reason : event.message.finish_reason
        showEndedReply(reply, { ...event.message, finish_reason })
      } else if (event.type === 'error') {
        throw new WidgetError(event.error.code, event.error.message)
      }
    }
    return ended
  }

  emailForm.addEventListener('submit', (event) => {
    event.preventDefault()
    if (busy) return
    busy = true
    start.disabled = true
    clearNotice()
    startSession(base, widgetId, { email: email.value.trim(), proofOfWork: config.proof_of_work })
      .then((newToken) => {
        token = newToken
        showForms()
        message.focus()
      })
      .catch(showError)
      .finally(() => {
        busy = false
        start.disabled = false
      })
  })
  messageForm.addEventListener('submit', (event) => {
    event.preventDefault()
    const text = message.value.trim()
    if (!text || busy) return
    message.value = ''
    void deliver(text)
  })
  message.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault()
      messageForm.requestSubmit()
    }
  })

  function focus() {
    ;(emailForm.hidden ? message : email).focus()
  }

  void restore()
  return { focus }
}

window.ParleyWidget!.mountPanel = mountPanel
