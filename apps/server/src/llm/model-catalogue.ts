import { z } from 'zod'

/** A GGUF chat model that `parley model pull NAME` (and the Models screen) knows how to fetch from a Hugging Face-style hub. */
export interface CatalogueModel {
  readonly name: string
  readonly label: string
  /** Hugging Face repository, `owner/name`. */
  readonly repo: string
  /** File in the repository; also its name under `<data dir>/models/`. */
  readonly file: string
  readonly licence: string
  /** For display only: the hub's `X-Linked-Size` is what a download is checked against. */
  readonly approxBytes: number
  /** Pinned SHA-256, only where it was confirmed from the repository itself; else the hub's stated one is used. */
  readonly sha256?: string
}

/** The catalogue built into Parley; `PARLEY_MODEL_CATALOGUE_FILE` replaces it (a private mirror's own list). */
export const MODEL_CATALOGUE: readonly CatalogueModel[] = Object.freeze([
  {
    name: 'smollm2-360m',
    label: 'SmolLM2 360M Instruct, Q8_0',
    repo: 'HuggingFaceTB/SmolLM2-360M-Instruct-GGUF',
    file: 'smollm2-360m-instruct-q8_0.gguf',
    licence: 'Apache-2.0',
    approxBytes: 386_000_000,
    // The file's Git LFS details on the official repo (upload commit 2633ada); unchanged on main since.
    sha256: '48ab3034d0dd401fbc721eb1df3217902fee7dab9078992d66431f09b7750201',
  },
  {
    name: 'qwen2.5-0.5b',
    label: 'Qwen2.5 0.5B Instruct, Q4_K_M',
    repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF',
    file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    licence: 'Apache-2.0',
    // Not pinned: the checksums published for this file by third parties disagree, so the hub's word is used.
    approxBytes: 400_000_000,
  },
])

/** One entry of the file named by `PARLEY_MODEL_CATALOGUE_FILE` (a JSON array). */
export const CatalogueFileEntry = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'names use lower-case letters, digits and . _ -'),
    label: z.string().min(1).max(100),
    repo: z.string().regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'must be owner/name'),
    file: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\.gguf$/i, 'must be a .gguf file name'),
    licence: z.string().min(1).max(100),
    approx_bytes: z.number().int().min(0),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .transform((value) => value.toLowerCase())
      .optional(),
  })
  .transform(({ approx_bytes, sha256, ...entry }): CatalogueModel => ({
    ...entry,
    approxBytes: approx_bytes,
    ...(sha256 ? { sha256 } : {}),
  }))

export function findCatalogueModel(catalogue: readonly CatalogueModel[], name: string): CatalogueModel | undefined {
  return catalogue.find((model) => model.name === name)
}

/** `${base}/${repo}/resolve/main/${file}`, the hub's download address for the file on the main branch. */
export function catalogueModelUrl(baseUrl: string, model: CatalogueModel): string {
  const repo = model.repo.split('/').map(encodeURIComponent).join('/')
  return `${baseUrl.replace(/\/+$/, '')}/${repo}/resolve/main/${encodeURIComponent(model.file)}`
}
