import { describe, expect, it } from 'vitest'
import { Mutex } from './mutex.ts'

const never = new AbortController().signal

describe('Mutex', () => {
  it('admits waiters one at a time, in order', async () => {
    const mutex = new Mutex()
    const order: number[] = []
    await Promise.all(
      [1, 2, 3].map(async (n) => {
        const release = await mutex.acquire(never)
        order.push(n)
        await new Promise((resolve) => setTimeout(resolve, 5))
        order.push(-n)
        release()
      }),
    )
    expect(order).toEqual([1, -1, 2, -2, 3, -3])
  })

  it('lets a waiter give up, and passes the lock to the next one', async () => {
    const mutex = new Mutex()
    const releaseFirst = await mutex.acquire(never)
    const controller = new AbortController()
    const quitter = mutex.acquire(controller.signal)
    const patient = mutex.acquire(never)
    controller.abort(new Error('gave up'))
    await expect(quitter).rejects.toThrow('gave up')
    releaseFirst()
    const releasePatient = await patient
    releasePatient()
    releasePatient() // idempotent
    const releaseAgain = await mutex.acquire(never)
    releaseAgain()
  })

  it('refuses at once when the signal is already aborted', async () => {
    await expect(new Mutex().acquire(AbortSignal.abort(new Error('late')))).rejects.toThrow('late')
  })
})
