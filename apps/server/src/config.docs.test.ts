import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { EnvSchema } from './config.ts'

const DOC = new URL('../../../docs/configuration.md', import.meta.url)

/** Every `PARLEY_*` name in the first column of the settings table (a row may name several). */
function documentedVariables(): string[] {
  const rows = fs
    .readFileSync(DOC, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| `PARLEY_'))
  return rows.flatMap((row) => [...(row.split('|')[1] ?? '').matchAll(/`(PARLEY_[A-Z0-9_]+)`/g)].map((m) => m[1]!))
}

describe('docs/configuration.md', () => {
  it('documents every setting the server reads, and no other', () => {
    const read = Object.keys(EnvSchema.shape).sort()
    expect(documentedVariables().sort()).toEqual(read)
  })
})
