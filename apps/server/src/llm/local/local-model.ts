import type { ChatHistoryItem, Llama, LlamaChat, LlamaChatResponse, LlamaContext, LlamaModel } from 'node-llama-cpp'
import { AsyncQueue } from './async-queue.ts'
import { Mutex } from './mutex.ts'

/** In-process llama.cpp chat model (node-llama-cpp), CPU only, streaming text deltas. */

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

type FinishReason = 'stop' | 'length' | 'abort'

export type LocalStreamPart =
  | { type: 'text-delta'; delta: string }
  | { type: 'finish'; finishReason: FinishReason; usage: { promptTokens: number; completionTokens: number } }

export interface LocalModelOptions {
  modelPath: string
  /**
   * Threads used to evaluate tokens. Set it: node-llama-cpp's default, max(math cores, 4), oversubscribes small
   * machines, and llama.cpp's spinning thread barriers make decoding many times slower when threads outnumber idle cores.
   */
  threads?: number
  /** Context window in tokens; default: the model's training context, capped at DEFAULT_CONTEXT_SIZE. */
  contextSize?: number
}

export interface GenerateOptions {
  maxTokens?: number
  /** 0 (the default) decodes greedily. */
  temperature?: number
}

/** Bounds the KV cache of big-context models on small self-hosted machines. */
const DEFAULT_CONTEXT_SIZE = 4096

let cpuLlama: Promise<Llama> | undefined

/**
 * The llama.cpp runtime, created once per process (its native bindings are process-wide). CPU only, and
 * `build: 'never'` so a missing prebuilt binary fails fast instead of trying to download and compile llama.cpp.
 */
function getCpuLlama(): Promise<Llama> {
  // Imported on first use: the runtime costs ~40 MB of memory, which a server with only vendor models never needs.
  cpuLlama ??= import('node-llama-cpp')
    .then(({ getLlama }) => getLlama({ gpu: false, build: 'never' }))
    .catch((error: unknown) => {
      cpuLlama = undefined
      throw error
    })
  return cpuLlama
}

export class LocalModel {
  /** One context sequence serves one generation at a time. */
  private readonly lock = new Mutex()
  /** Aborted by dispose() to stop a generation in flight. */
  private readonly disposing = new AbortController()
  private disposal: Promise<void> | undefined

  private constructor(
    private readonly model: LlamaModel,
    private readonly context: LlamaContext,
    private readonly chat: LlamaChat,
  ) {}

  static async load(options: LocalModelOptions): Promise<LocalModel> {
    const llama = await getCpuLlama()
    const model = await llama.loadModel({ modelPath: options.modelPath })
    try {
      const context = await model.createContext({
        contextSize: options.contextSize ?? Math.min(model.trainContextSize, DEFAULT_CONTEXT_SIZE),
        ...(options.threads === undefined ? {} : { threads: options.threads }),
      })
      // The chat wrapper is resolved from the GGUF's tokenizer.chat_template (or the model's family).
      const { LlamaChat } = await import('node-llama-cpp')
      return new LocalModel(model, context, new LlamaChat({ contextSequence: context.getSequence() }))
    } catch (error) {
      await model.dispose()
      throw error
    }
  }

  get contextSize(): number {
    return this.context.contextSize
  }

  countTokens(text: string): number {
    return this.model.tokenize(text).length
  }

  /** Streams the assistant's next turn; ends with exactly one `finish` part, also when `signal` aborts. */
  async *stream(
    messages: ChatMessage[],
    signal: AbortSignal,
    options: GenerateOptions = {},
  ): AsyncGenerator<LocalStreamPart> {
    const stop = AbortSignal.any([signal, this.disposing.signal])
    let release: () => void
    try {
      release = await this.lock.acquire(stop)
    } catch (error) {
      if (!stop.aborted) throw error
      yield finish('abort', 0, 0)
      return
    }
    try {
      yield* this.generate(toChatHistory(messages), stop, options)
    } finally {
      release()
    }
  }

  /** One generation on the sequence (the caller holds the lock). */
  private async *generate(
    history: ChatHistoryItem[],
    stop: AbortSignal,
    options: GenerateOptions,
  ): AsyncGenerator<LocalStreamPart> {
    // A consumer that stops iterating early must stop the generation too, hence a controller of our own.
    const halt = new AbortController()
    const deltas = new AsyncQueue<string>()
    const onStop = () => halt.abort(stop.reason)
    halt.signal.addEventListener('abort', () => deltas.close(), { once: true }) // deliver nothing after an abort
    stop.addEventListener('abort', onStop, { once: true })
    if (stop.aborted) onStop()

    const promptTokens = this.chat.chatWrapper
      .generateContextState({ chatHistory: history })
      .contextText.tokenize(this.model.tokenizer).length
    let completionTokens = 0
    const generation = this.chat.generateResponse(history, {
      signal: halt.signal,
      stopOnAbortSignal: true,
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      onTextChunk: (text) => {
        if (text !== '') deltas.push(text)
      },
      onToken: (tokens) => {
        completionTokens += tokens.length
      },
    })
    generation.then(
      () => deltas.close(),
      (error: unknown) => deltas.fail(error),
    )

    try {
      for await (const delta of deltas) yield { type: 'text-delta', delta }
      const { metadata } = await generation
      yield finish(halt.signal.aborted ? 'abort' : finishReasonOf(metadata.stopReason), promptTokens, completionTokens)
    } catch (error) {
      if (!halt.signal.aborted) throw error
      yield finish('abort', promptTokens, completionTokens) // aborted before the first token: node-llama-cpp throws then
    } finally {
      stop.removeEventListener('abort', onStop)
      halt.abort()
      await generation.catch(() => undefined) // the sequence must be idle before the lock passes on
    }
  }

  /** Stops any generation in flight, then frees the context and the model's memory. */
  dispose(): Promise<void> {
    this.disposal ??= this.disposeOnce()
    return this.disposal
  }

  private async disposeOnce(): Promise<void> {
    this.disposing.abort(new Error('model disposed'))
    const release = await this.lock.acquire(new AbortController().signal)
    this.chat.dispose()
    await this.context.dispose()
    await this.model.dispose()
    release()
  }
}

function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history = messages.map((message): ChatHistoryItem => {
    if (message.role === 'assistant') return { type: 'model', response: [message.content] }
    return { type: message.role, text: message.content }
  })
  history.push({ type: 'model', response: [] }) // the turn to generate
  return history
}

function finishReasonOf(stopReason: LlamaChatResponse['metadata']['stopReason']): FinishReason {
  if (stopReason === 'maxTokens') return 'length'
  if (stopReason === 'abort') return 'abort'
  return 'stop' // EOS, a stop trigger, or function calls (none are offered)
}

function finish(finishReason: FinishReason, promptTokens: number, completionTokens: number): LocalStreamPart {
  return { type: 'finish', finishReason, usage: { promptTokens, completionTokens } }
}
