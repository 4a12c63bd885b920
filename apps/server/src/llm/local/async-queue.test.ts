import { describe, expect, it } from 'vitest'
import { AsyncQueue } from './async-queue.ts'

async function drain<T>(queue: AsyncQueue<T>): Promise<T[]> {
  const items: T[] = []
  for await (const item of queue) items.push(item)
  return items
}

describe('AsyncQueue', () => {
  it('yields items pushed before and while iterating, then ends on close', async () => {
    const queue = new AsyncQueue<number>()
    queue.push(1)
    const result = drain(queue)
    await Promise.resolve()
    queue.push(2)
    setTimeout(() => {
      queue.push(3)
      queue.close()
      queue.push(4) // ignored after close
    }, 5)
    expect(await result).toEqual([1, 2, 3])
  })

  it('throws the failure after the queued items', async () => {
    const queue = new AsyncQueue<number>()
    queue.push(1)
    queue.fail(new Error('boom'))
    const items: number[] = []
    await expect(
      (async () => {
        for await (const item of queue) items.push(item)
      })(),
    ).rejects.toThrow('boom')
    expect(items).toEqual([1])
  })
})
