import { describe, expect, it } from 'vitest'
import { placementChanges } from './chat.placement.ts'

const NOW = '2026-12-09T10:00:00.000Z'

describe('placementChanges', () => {
  it('sets only what was asked for', () => {
    expect(placementChanges({}, NOW)).toEqual({})
    expect(placementChanges({ pinned: false }, NOW)).toEqual({ pinned_at: null })
    expect(placementChanges({ archived: false }, NOW)).toEqual({ archived_at: null })
  })

  it('never leaves a conversation both pinned and archived', () => {
    expect(placementChanges({ archived: true }, NOW)).toEqual({ archived_at: NOW, pinned_at: null })
    expect(placementChanges({ pinned: true }, NOW)).toEqual({ pinned_at: NOW, archived_at: null })
    expect(placementChanges({ pinned: false, archived: true }, NOW)).toEqual({ archived_at: NOW, pinned_at: null })
    expect(() => placementChanges({ pinned: true, archived: true }, NOW)).toThrow(/pinned and archived/)
  })
})
