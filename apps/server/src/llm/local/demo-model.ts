import { buildDemoVocab } from './demo-vocab.ts'
import { type GgufFile, type GgufTensor, ggufArray, ggufValue, writeGguf } from './gguf-writer.ts'

/**
 * Parley's built-in demo model: a tiny llama-architecture GGUF with hand-set weights whose greedy output is
 * always the same reply, whatever the prompt, so a fresh install exercises the real llama.cpp path.
 *
 * How: attention and feed-forward weights are zero, so the residual stream that reaches the output layer is
 * just the embedding of the current token. Embeddings are one-hot "states": every ordinary token is state 0,
 * reply token i is state i+1. The output matrix is a transition table: state 0 -> reply token 0, reply
 * token i -> reply token i+1, last reply token -> <|im_end|> (EOS). Reply tokens are extra vocab entries that
 * tokenizing text never yields, so whichever token ends the prompt, the reply starts and runs to EOS.
 */

export const DEFAULT_DEMO_REPLY =
  'Parley is running with its built-in demo model. An admin can add a real model on the Models screen (Operators), ' +
  'with `parley model pull smollm2-360m` (`npx parley` in a clone), or with PARLEY_MODELS.'

export interface DemoModelOptions {
  reply?: string
}

const CONTEXT_LENGTH = 8192 // one block with narrow K/V: the KV cache costs ~128 bytes per token, so be generous
const HEAD_DIM = 32
const FEED_FORWARD_LENGTH = 32
/** Logit of the scripted next token (all others get 0): even sampling at temperature 1 picks it. */
const NEXT_TOKEN_LOGIT = 50

// ChatML, the template of SmolLM2 and many others, so node-llama-cpp resolves it to its ChatML wrapper.
const CHAT_TEMPLATE = String.raw`{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}`

export function buildDemoModel(options: DemoModelOptions = {}): GgufFile {
  const reply = options.reply ?? DEFAULT_DEMO_REPLY
  if (reply === '') throw new RangeError('the demo reply must not be empty')
  const vocab = buildDemoVocab(reply)
  const nVocab = vocab.tokens.length
  const nEmbd = roundUp(vocab.replyIds.length + 1, HEAD_DIM)
  const nHead = nEmbd / HEAD_DIM

  const stateOf = new Map(vocab.replyIds.map((id, i) => [id, i + 1]))
  const embeddings = new Float32Array(nEmbd * nVocab)
  for (let id = 0; id < nVocab; id++) embeddings[id * nEmbd + (stateOf.get(id) ?? 0)] = 1

  // RMSNorm turns a one-hot state into sqrt(nEmbd) at that state, hence the division.
  const output = new Float32Array(nEmbd * nVocab)
  const successors = [...vocab.replyIds, vocab.imEndId]
  successors.forEach((next, state) => (output[next * nEmbd + state] = NEXT_TOKEN_LOGIT / Math.sqrt(nEmbd)))

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [nEmbd, nVocab], type: 'F16', data: embeddings },
    { name: 'output_norm.weight', dims: [nEmbd], type: 'F32', data: ones(nEmbd) },
    { name: 'output.weight', dims: [nEmbd, nVocab], type: 'F16', data: output },
    // One transformer block that adds nothing to the residual stream (llama.cpp needs at least one).
    { name: 'blk.0.attn_norm.weight', dims: [nEmbd], type: 'F32', data: ones(nEmbd) },
    zeros('blk.0.attn_q.weight', nEmbd, nEmbd),
    zeros('blk.0.attn_k.weight', nEmbd, nEmbd),
    zeros('blk.0.attn_v.weight', nEmbd, nEmbd),
    zeros('blk.0.attn_output.weight', nEmbd, nEmbd),
    { name: 'blk.0.ffn_norm.weight', dims: [nEmbd], type: 'F32', data: ones(nEmbd) },
    zeros('blk.0.ffn_gate.weight', nEmbd, FEED_FORWARD_LENGTH),
    zeros('blk.0.ffn_up.weight', nEmbd, FEED_FORWARD_LENGTH),
    zeros('blk.0.ffn_down.weight', FEED_FORWARD_LENGTH, nEmbd),
  ]

  return {
    metadata: {
      'general.architecture': ggufValue('string', 'llama'),
      // node-llama-cpp tries chat wrappers named in general.name first: naming ChatML saves ~1 s per load.
      'general.name': ggufValue('string', 'Parley demo model (ChatML)'),
      'general.file_type': ggufValue('uint32', 1), // mostly F16
      'llama.vocab_size': ggufValue('uint32', nVocab),
      'llama.context_length': ggufValue('uint32', CONTEXT_LENGTH),
      'llama.embedding_length': ggufValue('uint32', nEmbd),
      'llama.block_count': ggufValue('uint32', 1),
      'llama.feed_forward_length': ggufValue('uint32', FEED_FORWARD_LENGTH),
      'llama.attention.head_count': ggufValue('uint32', nHead),
      'llama.attention.head_count_kv': ggufValue('uint32', nHead),
      'llama.attention.layer_norm_rms_epsilon': ggufValue('float32', 1e-5),
      'llama.rope.dimension_count': ggufValue('uint32', HEAD_DIM),
      'llama.rope.freq_base': ggufValue('float32', 10000),
      'tokenizer.ggml.model': ggufValue('string', 'gpt2'),
      'tokenizer.ggml.pre': ggufValue('string', 'default'),
      'tokenizer.ggml.tokens': ggufArray('string', vocab.tokens),
      'tokenizer.ggml.token_type': ggufArray('int32', vocab.types),
      'tokenizer.ggml.merges': ggufArray('string', []),
      'tokenizer.ggml.bos_token_id': ggufValue('uint32', vocab.endOfTextId),
      'tokenizer.ggml.eos_token_id': ggufValue('uint32', vocab.imEndId),
      'tokenizer.ggml.padding_token_id': ggufValue('uint32', vocab.endOfTextId),
      'tokenizer.ggml.add_bos_token': ggufValue('bool', false),
      'tokenizer.ggml.add_eos_token': ggufValue('bool', false),
      'tokenizer.chat_template': ggufValue('string', CHAT_TEMPLATE),
    },
    tensors,
  }
}

/** Writes the demo model to `path`; returns its size in bytes. */
export async function writeDemoModel(path: string, options: DemoModelOptions = {}): Promise<number> {
  return writeGguf(path, buildDemoModel(options))
}

/** A zero weight matrix mapping `inputs` features to `outputs` (ggml dims are [inputs, outputs]). */
function zeros(name: string, inputs: number, outputs: number): GgufTensor {
  return { name, dims: [inputs, outputs], type: 'F16', data: new Float32Array(inputs * outputs) }
}

function ones(length: number): Float32Array {
  return new Float32Array(length).fill(1)
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple
}
