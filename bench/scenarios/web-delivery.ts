/**
 * Scenario 7 — web app delivery. Debian's Chromium loads the web app from the running server with an empty cache,
 * as a first visit does: the sign-in screen for a visitor, and the new-chat screen for a signed-in user (the
 * session restored from its refresh cookie). It counts the JavaScript bytes received (compressed, as sent) until
 * the screen is usable, and the time from navigation to a message box that takes typing.
 */
import { randomUUID } from 'node:crypto'
import { type Browser, type Page, chromium } from 'playwright-core'
import type { BenchContext, ScenarioResult } from '../lib/context.ts'
import { round } from '../lib/stats.ts'

const FIRST_SCREEN_JS_LIMIT_BYTES = 160 * 1024
const COMPOSER_READY_LIMIT_MS = 1_000
const CHROMIUM = '/usr/bin/chromium'
// As the e2e suite runs it: no traffic beyond 127.0.0.1.
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Records, in the page, when the message box first exists and is enabled (ms since navigation start). Page code as
 * text: the benchmark is compiled without the DOM's types.
 */
const MARK_COMPOSER_READY = `
  const check = () => {
    const box = document.getElementById('composer')
    if (box && !box.disabled && box.offsetParent !== null) window.composerReadyAt = performance.now()
    else requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
`

interface Load {
  jsBytes: number
  jsFiles: number
  encodings: string[]
  /** When the browser had parsed the page and run its scripts (DOMContentLoaded ended), ms after navigation start. */
  scriptsDoneMs: number
  readyMs: number
}

/** Loads `path` in `page` and sums the scripts received until `ready` resolves. */
async function measure(page: Page, path: string, baseUrl: string, ready: () => Promise<number>): Promise<Load> {
  const scripts: Promise<{ bytes: number; encoding: string }>[] = []
  let done = false
  page.on('requestfinished', (request) => {
    if (done || request.resourceType() !== 'script') return
    scripts.push(
      Promise.all([request.sizes(), request.response()]).then(([sizes, response]) => ({
        bytes: sizes.responseBodySize,
        encoding: response?.headers()['content-encoding'] ?? 'identity',
      })),
    )
  })
  await page.goto(new URL(path, baseUrl).href)
  const readyMs = await ready()
  done = true
  const scriptsDoneMs = await page.evaluate(() => {
    // The DOM's navigation timing entry (the benchmark is compiled without the DOM's types).
    const [entry] = performance.getEntries().filter((timing) => (timing.entryType as string) === 'navigation')
    return (entry as unknown as { domContentLoadedEventEnd: number } | undefined)?.domContentLoadedEventEnd ?? NaN
  })
  const received = await Promise.all(scripts)
  return {
    jsBytes: received.reduce((sum, script) => sum + script.bytes, 0),
    jsFiles: received.length,
    encodings: [...new Set(received.map((script) => script.encoding))],
    scriptsDoneMs,
    readyMs,
  }
}

async function visitorLoad(browser: Browser, baseUrl: string): Promise<Load> {
  const context = await browser.newContext()
  try {
    const page = await context.newPage()
    return await measure(page, '/sign-in', baseUrl, async () => {
      await page.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: 15_000 })
      return page.evaluate(() => performance.now())
    })
  } finally {
    await context.close()
  }
}

async function signedInLoad(browser: Browser, baseUrl: string, account: { username: string; password: string }) {
  const context = await browser.newContext()
  try {
    // The login sets the refresh cookie in this context; its cache holds nothing of the app yet.
    const login = await context.request.post(new URL('/api/auth/login', baseUrl).href, { data: account })
    if (!login.ok()) throw new Error(`sign-in failed: ${login.status()}`)
    const page = await context.newPage()
    await page.addInitScript({ content: MARK_COMPOSER_READY })
    return await measure(page, '/', baseUrl, async () => {
      // Functions, not strings: the app's Content-Security-Policy forbids evaluating strings in the page.
      await page.waitForFunction(() => 'composerReadyAt' in globalThis, undefined, { timeout: 15_000 })
      return page.evaluate(() => (globalThis as unknown as { composerReadyAt: number }).composerReadyAt)
    })
  } finally {
    await context.close()
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN

export async function webDelivery(context: BenchContext): Promise<ScenarioResult> {
  const baseUrl = context.server.httpUrl
  const index = await fetch(new URL('/', baseUrl), { signal: AbortSignal.timeout(10_000) })
  const served = index.ok && (await index.text()).includes('<script')
  const account = { username: `web_${randomUUID().slice(0, 8)}`, password: `Bench-${randomUUID()}` }
  await context.rest.register(account.username, account.password)

  const rounds = context.quick ? 2 : 5
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })
  const visitor: Load[] = []
  const user: Load[] = []
  try {
    for (let round = 0; round < rounds && served; round += 1) {
      visitor.push(await visitorLoad(browser, baseUrl))
      user.push(await signedInLoad(browser, baseUrl, account))
    }
  } finally {
    await browser.close()
  }
  const kb = (bytes: number) => round(bytes / 1024)
  const firstScreenBytes = Math.max(0, ...visitor.map((load) => load.jsBytes), ...user.map((load) => load.jsBytes))
  const composerMs = median(user.map((load) => load.readyMs))
  const data = {
    rounds: visitor.length,
    signInJsKb: kb(Math.max(0, ...visitor.map((load) => load.jsBytes))),
    signInJsFiles: visitor[0]?.jsFiles ?? 0,
    newChatJsKb: kb(Math.max(0, ...user.map((load) => load.jsBytes))),
    newChatJsFiles: user[0]?.jsFiles ?? 0,
    encodings: [...new Set([...visitor, ...user].flatMap((load) => load.encodings))],
    signInReadyMsMedian: round(median(visitor.map((load) => load.readyMs))),
    composerReadyMsMedian: round(composerMs),
    newChatScriptsDoneMsMedian: round(median(user.map((load) => load.scriptsDoneMs))),
    composerReadyMsMax: round(Math.max(0, ...user.map((load) => load.readyMs))),
  }
  const note = served ? {} : { note: 'the server serves no web app: run `npm run build` first' }
  return {
    id: 'web-delivery',
    title: 'Web app delivery (cold load in Chromium)',
    method:
      'Debian’s Chromium loads the app from the running server with an empty cache, ' +
      `${visitor.length} times per screen: JavaScript received (compressed, as sent) until the screen is usable, ` +
      'and the time from navigation start to an enabled message box for a signed-in user.',
    data,
    lines: [
      '| screen | JS files | JS received, KB | scripts run, ms (median) | usable after, ms (median) |',
      '|---|---|---|---|---|',
      `| sign-in (visitor) | ${data.signInJsFiles} | ${data.signInJsKb} | — | ${data.signInReadyMsMedian} |`,
      `| new chat (signed in) | ${data.newChatJsFiles} | **${data.newChatJsKb}** | ${data.newChatScriptsDoneMsMedian} | **${data.composerReadyMsMedian}** |`,
      '',
      `Content encodings received: ${data.encodings.join(', ') || '—'}.`,
    ],
    targets: [
      {
        id: 'first-screen-js',
        target: 'First screen JavaScript, compressed',
        limit: `≤ ${FIRST_SCREEN_JS_LIMIT_BYTES / 1024} KB`,
        measured: `${kb(firstScreenBytes)} KB`,
        pass: served ? firstScreenBytes <= FIRST_SCREEN_JS_LIMIT_BYTES : null,
        ...note,
      },
      {
        id: 'composer-ready',
        target: 'Message box usable after a cold load',
        limit: `≤ ${COMPOSER_READY_LIMIT_MS} ms`,
        measured: `${data.composerReadyMsMedian} ms (median; max ${data.composerReadyMsMax} ms)`,
        pass: served ? composerMs <= COMPOSER_READY_LIMIT_MS : null,
        ...note,
      },
    ],
  }
}
