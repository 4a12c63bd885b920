import { expect } from 'vitest'
import { type ChatModel, type ChatModelRequest, ModelError, type ModelFinish } from '../src/llm/types.ts'

/** A model call as a list: each text as a `text-delta` part, then its finish. */
export type CallPart = { type: 'text-delta'; delta: string } | ({ type: 'finish' } & ModelFinish)

/**
 * Runs one model call and records what it produced, and the `ModelError` it failed with (anything else fails
 * the test). `onText` also sees each text as it arrives (to abort mid-stream, say).
 */
export async function recordCall(
  model: ChatModel,
  request: ChatModelRequest,
  signal = new AbortController().signal,
  onText?: (delta: string) => void,
): Promise<{ parts: CallPart[]; error: ModelError | undefined }> {
  const parts: CallPart[] = []
  try {
    const finish = await model.generate(request, signal, (delta) => {
      parts.push({ type: 'text-delta', delta })
      onText?.(delta)
    })
    parts.push({ type: 'finish', ...finish })
    return { parts, error: undefined }
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError)
    return { parts, error: error as ModelError }
  }
}
