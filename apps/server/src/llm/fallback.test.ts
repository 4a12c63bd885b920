import { afterEach, describe, expect, it, vi } from 'vitest'
import { AggregateModelError, type FallbackAttempt, generateWithFallback } from './fallback.ts'
import { type ChatModel, type FinishReason, ModelError, type Usage } from './types.ts'

/** What a scripted model produces, in order; what a run observed, in order (`model` when one starts answering). */
type ScriptPart = { type: 'text-delta'; delta: string } | { type: 'finish'; finishReason: FinishReason; usage: Usage }
type Observed = ScriptPart | { type: 'model'; model: ChatModel; failedBefore: FallbackAttempt[] }
type Script = (signal: AbortSignal) => AsyncGenerator<ScriptPart>

/** A test double of the provider interface: plays `script`, counting calls and keeping each call's signal. */
function fakeModel(modelId: string, script: Script) {
  const signals: AbortSignal[] = []
  const model: ChatModel & { signals: AbortSignal[] } = {
    provider: 'fake',
    modelId,
    contextTokens: 4096,
    countTokens: (text) => text.length,
    signals,
    async generate(_request, signal, onText) {
      signals.push(signal)
      for await (const part of script(signal)) {
        if (part.type === 'finish') return { finishReason: part.finishReason, usage: part.usage }
        onText(part.delta)
      }
      return { finishReason: 'other' }
    },
  }
  return model
}

const FINISH: ScriptPart = { type: 'finish', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 2 } }
const delta = (text: string): ScriptPart => ({ type: 'text-delta', delta: text })
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const replies = (...chunks: string[]): Script =>
  async function* () {
    for (const chunk of chunks) yield delta(chunk)
    yield FINISH
  }

const failsWith = (error: Error, afterChunks: string[] = []): Script =>
  async function* () {
    for (const chunk of afterChunks) yield delta(chunk)
    throw error
  }

/** Never answers; ends the way real providers do once its signal aborts. */
// eslint-disable-next-line require-yield -- it never gets as far as a token
const hangs: Script = async function* (signal) {
  await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }))
  throw new ModelError('aborted', 'Generation was stopped')
}

const OPTIONS = { firstTokenTimeoutMs: 1000 }
const REQUEST = { messages: [{ role: 'user' as const, content: 'Hi' }] }

async function run(models: ChatModel[], signal = new AbortController().signal) {
  const parts: Observed[] = []
  try {
    const finish = await generateWithFallback(models, REQUEST, signal, {
      ...OPTIONS,
      // A copy: the list of failures as it was when this model started.
      onModel: (model, failedBefore) => parts.push({ type: 'model', model, failedBefore: [...failedBefore] }),
      onText: (text) => parts.push(delta(text)),
    })
    parts.push({ type: 'finish', finishReason: finish.finishReason, usage: finish.usage! })
    return { parts, error: undefined }
  } catch (error) {
    return { parts, error: error as ModelError }
  }
}

afterEach(() => {
  vi.useRealTimers()
})

describe('generateWithFallback', () => {
  it('streams from the first model when it answers, naming it with no failures', async () => {
    const primary = fakeModel('primary', replies('Hi', '!'))
    const { parts, error } = await run([primary, fakeModel('backup', replies('unused'))])
    expect(error).toBeUndefined()
    expect(parts).toEqual([{ type: 'model', model: primary, failedBefore: [] }, delta('Hi'), delta('!'), FINISH])
  })

  it.each([
    ['a ModelError', new ModelError('unavailable', 'HTTP 500'), 'unavailable'],
    ['an error status', new ModelError('upstream_error', 'upstream answered 400'), 'upstream_error'],
    ['any other error', new Error('socket hang up'), 'unavailable'],
  ])(
    'hands over to the next model when the first fails with %s before its first token',
    async (_name, thrown, kind) => {
      const primary = fakeModel('primary', failsWith(thrown))
      const backup = fakeModel('backup', replies('From', ' backup'))
      const { parts, error } = await run([primary, backup])
      expect(error).toBeUndefined()
      expect(parts[0]).toEqual({
        type: 'model',
        model: backup,
        failedBefore: [{ model: primary, error: expect.objectContaining({ kind }) }],
      })
      expect(parts.slice(1)).toEqual([delta('From'), delta(' backup'), FINISH])
    },
  )

  it('treats a failure after text has flowed as final: no second model, no stitched reply', async () => {
    const primary = fakeModel(
      'primary',
      failsWith(new ModelError('stream_broken', 'stream broke after 1 tokens'), ['Half a ']),
    )
    const backup = fakeModel('backup', replies('whole answer'))
    const { parts, error } = await run([primary, backup])
    expect(parts).toEqual([{ type: 'model', model: primary, failedBefore: [] }, delta('Half a ')])
    expect(error).toBeInstanceOf(ModelError)
    expect(error).not.toBeInstanceOf(AggregateModelError)
    expect(error!.kind).toBe('stream_broken')
    expect(backup.signals).toHaveLength(0)
  })

  it('hands over when the first token does not come in time, aborting the slow model', async () => {
    vi.useFakeTimers()
    const primary = fakeModel('primary', hangs)
    const backup = fakeModel('backup', replies('On time'))
    const result = run([primary, backup])
    await vi.advanceTimersByTimeAsync(OPTIONS.firstTokenTimeoutMs - 1)
    expect(backup.signals).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(1)
    const { parts, error } = await result
    expect(error).toBeUndefined()
    expect(primary.signals[0]!.aborted).toBe(true)
    expect(parts[0]).toMatchObject({
      model: backup,
      failedBefore: [
        {
          model: primary,
          error: {
            kind: 'first_token_timeout',
            message: `no first token within ${OPTIONS.firstTokenTimeoutMs / 1000} s`,
          },
        },
      ],
    })
    expect(parts.slice(1)).toEqual([delta('On time'), FINISH])
  })

  it('never cuts off a slow but steady stream, however long it runs in all', async () => {
    vi.useFakeTimers()
    const gap = OPTIONS.firstTokenTimeoutMs - 100
    const slow = fakeModel('slow', async function* () {
      for (const text of ['First', ' second', ' third', ' fourth']) {
        await sleep(gap)
        yield delta(text)
      }
      yield FINISH
    })
    const result = run([slow, fakeModel('backup', replies('unused'))])
    await vi.advanceTimersByTimeAsync(gap * 5)
    const { parts, error } = await result
    expect(error).toBeUndefined()
    expect(parts).toEqual([
      { type: 'model', model: slow, failedBefore: [] },
      delta('First'),
      delta(' second'),
      delta(' third'),
      delta(' fourth'),
      FINISH,
    ])
    expect(slow.signals[0]!.aborted).toBe(false)
  })

  it('ends a stream that falls silent after its first text as stream_broken, with no second model', async () => {
    vi.useFakeTimers()
    // Sends its first text, then nothing, ending the way real providers do once its signal aborts.
    const stalling = fakeModel('stalling', async function* (signal) {
      yield delta('First')
      yield* hangs(signal)
    })
    const backup = fakeModel('backup', replies('unused'))
    const result = run([stalling, backup])
    await vi.advanceTimersByTimeAsync(OPTIONS.firstTokenTimeoutMs * 5)
    const { parts, error } = await result
    expect(parts).toEqual([{ type: 'model', model: stalling, failedBefore: [] }, delta('First')])
    expect(error).toBeInstanceOf(ModelError)
    expect((error as ModelError).kind).toBe('stream_broken')
    expect(stalling.signals[0]!.aborted).toBe(true)
    expect(backup.signals).toHaveLength(0)
  })

  it("throws an AggregateModelError listing every model when all fail, of the last failure's kind", async () => {
    const first = fakeModel('first', failsWith(new ModelError('unreachable', 'connection refused')))
    const second = fakeModel('second', failsWith(new ModelError('upstream_error', 'upstream answered 401')))
    const { parts, error } = await run([first, second])
    expect(parts).toEqual([])
    expect(error).toBeInstanceOf(AggregateModelError)
    const aggregate = error as AggregateModelError
    expect(aggregate.kind).toBe('upstream_error')
    expect(aggregate.attempts.map((a) => [a.model.modelId, a.error.kind])).toEqual([
      ['first', 'unreachable'],
      ['second', 'upstream_error'],
    ])
    expect(aggregate.message).toBe('first: connection refused; second: upstream answered 401')
  })

  it('stops on an outer abort with kind `aborted` and tries no further model', async () => {
    const controller = new AbortController()
    const primary = fakeModel('primary', hangs)
    const backup = fakeModel('backup', replies('unused'))
    const result = run([primary, backup], controller.signal)
    await vi.waitFor(() => expect(primary.signals).toHaveLength(1))
    controller.abort()
    const { parts, error } = await result
    expect(parts).toEqual([])
    expect(error).toBeInstanceOf(ModelError)
    expect(error).not.toBeInstanceOf(AggregateModelError)
    expect(error!.kind).toBe('aborted')
    expect(primary.signals[0]!.aborted).toBe(true)
    expect(backup.signals).toHaveLength(0)
  })

  it('tries no model at all when the signal is already aborted', async () => {
    const controller = new AbortController()
    controller.abort()
    const primary = fakeModel('primary', replies('unused'))
    const { error } = await run([primary], controller.signal)
    expect(error!.kind).toBe('aborted')
    expect(primary.signals).toHaveLength(0)
  })
})
