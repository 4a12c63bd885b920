// A fake OpenAI-compatible server for the e2e suite: it streams a fixed reply one word every ~150 ms (or without
// end when asked to count "until stopped"), so a test can stop a reply or drop the socket mid-stream
// deterministically (the embedded demo model answers in ~20 ms).
// Asked for the model `fast`, it answers at once instead, to seed long conversations quickly (e2e/long-history.spec.ts);
// asked for `echo`, it answers at once with the user's last message, so a spec can have a reply say any Markdown;
// asked for `broken`, it answers every call with a 500 error, as a vendor that is down does (e2e/dashboard.spec.ts);
// asked to answer "then break", it streams three words and drops the connection, as a vendor failing mid-reply does;
// asked for a conversation's title, it answers after half a second.
// `GET /requests` lists what it was asked (model, messages, temperature, max_tokens), newest last, so a spec can
// check what reached the model.
import { createServer } from 'node:http'

const port = Number(process.argv[2])
export const WORDS = Array.from({ length: 30 }, (_, index) => `word${index + 1}`)
const CHUNK_MS = 150
const TITLE_DELAY_MS = 500

function chunk(id, delta, extra = {}) {
  return `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: 'slow', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`
}

/** The latest requests, as received. */
const received = []
const RECEIVED_LIMIT = 200

createServer((request, response) => {
  if (request.url === '/health') return response.end('ok')
  if (request.method === 'GET' && request.url === '/requests') {
    response.writeHead(200, { 'content-type': 'application/json' })
    return response.end(JSON.stringify(received))
  }
  if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
    response.statusCode = 404
    return response.end()
  }
  let body = ''
  request.setEncoding('utf8')
  request.on('data', (part) => (body += part))
  request.on('end', () => {
    const parsed = JSON.parse(body || '{}')
    const { model, messages, temperature, max_tokens } = parsed
    received.push({ model, messages, temperature, max_tokens })
    if (received.length > RECEIVED_LIMIT) received.shift()
    if (model === 'broken') return failWithServerError(response)
    // Asked to title a conversation (after its first reply), any model answers as a model might (quoted, with a
    // full stop, from the first words of the message) a moment later: after the page has reloaded its list.
    if (textOf(messages?.[0]?.content).startsWith('You name chat conversations')) {
      const question = /^Message: (.*)$/m.exec(textOf(messages?.at(-1)?.content))?.[1] ?? ''
      const title = `"About ${question.split(/\s+/).slice(0, 3).join(' ')}."`
      return void setTimeout(() => answerAtOnce(response, title), TITLE_DELAY_MS)
    }
    if (model === 'fast') return answerAtOnce(response, 'A fast fake reply.')
    if (model === 'echo') {
      const asked = textOf(messages?.findLast((m) => m.role === 'user')?.content)
      // A fresh reply to a message asking to go "to the limit" stops at the token limit; its continuation (the last
      // message sent is then the reply so far) finishes.
      const cut = asked.includes('to the limit') && messages?.at(-1)?.role === 'user'
      return answerAtOnce(response, asked, cut ? 'length' : 'stop')
    }
    // A prompt asking to go on "until stopped" streams with no end, so a stop test never races the last word.
    const prompt = textOf(messages?.at(-1)?.content)
    streamSlowly(response, prompt.includes('until stopped'), prompt.includes('then break') ? 3 : undefined)
  })
}).listen(port, '127.0.0.1')

/** A message's text: a string, or the text parts of a list. */
function textOf(content) {
  if (typeof content === 'string') return content
  return Array.isArray(content) ? content.map((part) => part?.text ?? '').join('') : ''
}

function failWithServerError(response) {
  response.writeHead(500, { 'content-type': 'application/json' })
  response.end(JSON.stringify({ error: { message: 'The model is down', type: 'server_error', code: null } }))
}

function answerAtOnce(response, text, finish = 'stop') {
  const id = `chatcmpl-${Date.now()}`
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  response.write(chunk(id, { role: 'assistant', content: text }))
  response.write(
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: 'fast', choices: [{ index: 0, delta: {}, finish_reason: finish }] })}\n\n`,
  )
  response.write(
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: 'fast', choices: [], usage: { prompt_tokens: 5, completion_tokens: 4, total_tokens: 9 } })}\n\n`,
  )
  response.end('data: [DONE]\n\n')
}

/** Streams the words one by one; with `breakAfter`, drops the connection after that many instead of ending. */
function streamSlowly(response, endless, breakAfter) {
  response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  const id = `chatcmpl-${Date.now()}`
  response.write(chunk(id, { role: 'assistant', content: '' }))
  let index = 0
  const timer = setInterval(() => {
    if (index === breakAfter) return response.destroy()
    if (endless || index < WORDS.length) {
      response.write(chunk(id, { content: `word${index + 1} ` }))
      index += 1
      return
    }
    clearInterval(timer)
    response.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: 'slow', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })}\n\n`,
    )
    response.write(
      `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created: 0, model: 'slow', choices: [], usage: { prompt_tokens: 5, completion_tokens: WORDS.length, total_tokens: WORDS.length + 5 } })}\n\n`,
    )
    response.end('data: [DONE]\n\n')
  }, CHUNK_MS)
  response.on('close', () => clearInterval(timer))
}
