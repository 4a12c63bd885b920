import { createHash } from 'node:crypto'
import fs from 'node:fs/promises'
import path from 'node:path'
import { DEFAULT_DEMO_REPLY, writeDemoModel } from '../local/demo-model.ts'
import { LocalModel } from '../local/local-model.ts'
import { type ChatModel, ModelError, stoppedError } from '../types.ts'

export interface LocalModelSettings {
  id: string
  /** A GGUF file; without one, the built-in demo model is generated into the data dir. */
  path: string | undefined
  threads: number
  contextTokens: number | undefined
  dataDir: string
}

/** The demo model's file, written once per reply text (a few tens of KiB). */
export async function ensureDemoModel(dataDir: string, reply = DEFAULT_DEMO_REPLY): Promise<string> {
  const digest = createHash('sha256').update(reply).digest('hex').slice(0, 12)
  const file = path.join(dataDir, 'models', `parley-demo-${digest}.gguf`)
  try {
    await fs.access(file)
    return file
  } catch {
    await fs.mkdir(path.dirname(file), { recursive: true })
    const partial = `${file}.${process.pid}.tmp`
    await writeDemoModel(partial, { reply })
    await fs.rename(partial, file) // atomic: a concurrent start never loads a half-written file
    return file
  }
}

/** The embedded llama.cpp model behind the `ChatModel` interface. */
export async function createLocalModel(settings: LocalModelSettings): Promise<ChatModel & { close(): Promise<void> }> {
  const modelPath = settings.path ?? (await ensureDemoModel(settings.dataDir))
  let local: LocalModel
  try {
    local = await LocalModel.load({
      modelPath,
      threads: settings.threads,
      ...(settings.contextTokens ? { contextSize: settings.contextTokens } : {}),
    })
  } catch (error) {
    throw new ModelError(
      'unavailable',
      `Cannot load the local model ${modelPath}: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    )
  }
  return {
    provider: 'local',
    modelId: settings.id,
    contextTokens: local.contextSize,
    countTokens: (text) => local.countTokens(text),
    async generate(request, signal, onText) {
      const options = {
        ...(request.maxOutputTokens ? { maxTokens: request.maxOutputTokens } : {}),
        ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      }
      for await (const part of local.stream(request.messages, signal, options)) {
        if (part.type === 'text-delta') onText(part.delta)
        // Our contract: a stopped generation ends with an `aborted` error, as remote providers do.
        else if (part.finishReason === 'abort') throw stoppedError()
        else return { finishReason: part.finishReason, usage: part.usage }
      }
      return { finishReason: 'other' }
    },
    close: () => local.dispose(),
  }
}
