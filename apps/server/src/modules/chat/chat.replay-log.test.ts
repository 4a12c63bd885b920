import { describe, expect, it } from 'vitest'
import { ReplayLog } from './chat.replay-log.ts'

const event = (seq: number, text = 'x') => JSON.stringify({ type: 'reply.delta', text, seq })

describe('replay log', () => {
  it('replays exactly the events after a sequence number, including text outside ASCII', () => {
    const log = new ReplayLog(64 * 1024)
    const texts = ['Hello', ' wörld', ' 你好', ' 🙂', ' "quoted"\n']
    texts.forEach((text, i) => log.append(i + 1, event(i + 1, text)))
    expect(log.oldestSeq).toBe(1)
    expect(log.after(0).map((e) => JSON.parse(e.json).text)).toEqual(texts)
    expect(log.after(3)).toEqual([
      { seq: 4, json: event(4, ' 🙂') },
      { seq: 5, json: event(5, ' "quoted"\n') },
    ])
    expect(log.after(5)).toEqual([])
  })

  it('holds at most its limit in bytes, dropping the oldest, over a long run', () => {
    const limit = 2_000
    const log = new ReplayLog(limit)
    for (let seq = 1; seq <= 10_000; seq++) log.append(seq, event(seq, 'token '.repeat(1 + (seq % 7))))
    expect(log.heldBytes).toBeLessThanOrEqual(limit)
    const held = log.after(0)
    // What it holds is the newest events, consecutive, ending with the last.
    expect(held.at(-1)!.seq).toBe(10_000)
    expect(held.map((e) => e.seq)).toEqual(held.map((_, i) => held[0]!.seq + i))
    expect(held[0]!.seq).toBe(log.oldestSeq)
    for (const e of held) expect(JSON.parse(e.json).seq).toBe(e.seq)
    // Nearly full: one more event of the same size would not fit.
    expect(log.heldBytes + Buffer.byteLength(held[0]!.json)).toBeGreaterThan(
      limit - Buffer.byteLength(held.at(-1)!.json),
    )
  })

  it('starts anew after a gap in sequence numbers', () => {
    const log = new ReplayLog(4096)
    log.append(1, event(1))
    log.append(2, event(2))
    log.append(7, event(7))
    expect(log.oldestSeq).toBe(7)
    expect(log.after(0).map((e) => e.seq)).toEqual([7])
  })

  it('does not hold an event larger than its limit, nor anything before it', () => {
    const log = new ReplayLog(100)
    log.append(1, event(1))
    log.append(2, event(2, 'y'.repeat(200)))
    expect(log.oldestSeq).toBeUndefined()
    log.append(3, event(3))
    expect(log.after(0).map((e) => e.seq)).toEqual([3])
  })

  it('gives its memory back when cleared', () => {
    const log = new ReplayLog(4096)
    log.append(1, event(1))
    log.clear()
    expect(log.oldestSeq).toBeUndefined()
    expect(log.heldBytes).toBe(0)
    expect(log.after(0)).toEqual([])
  })
})
