import type { DomainEvent } from '@parley/protocol'
import { describe, expect, it } from 'vitest'
import type { Db } from '../db/database.ts'
import { type DurableSubscriber, createDomainEvents } from './domain-events.ts'

const runtime = { now: () => new Date('2026-12-06T10:00:00.000Z'), newId: () => crypto.randomUUID() }
const data = {
  conversation_id: '00000000-0000-4000-8000-000000000001',
  user_id: '00000000-0000-4000-8000-000000000002',
  guest: false,
  message_id: '00000000-0000-4000-8000-000000000003',
  content: 'Hello',
}
/** Stands for the publisher's open transaction: the write only passes it on. */
const trx = {} as Db

function recordingSubscriber() {
  const calls: string[] = []
  const subscriber: DurableSubscriber = {
    published: (event) => void calls.push(`published ${event.type}`),
    prepare: async (event) => {
      calls.push(`prepare ${event.type}`)
      return {
        write: async (handle) => void calls.push(`write ${event.type} ${handle === trx ? 'in trx' : 'elsewhere'}`),
        committed: () => void calls.push(`committed ${event.type}`),
      }
    },
  }
  return { calls, subscriber }
}

describe('domain events', () => {
  it('tells listeners of a staged event only once it is announced, after its records went into the transaction', async () => {
    const events = createDomainEvents(runtime)
    const { calls, subscriber } = recordingSubscriber()
    const heard: DomainEvent[] = []
    events.subscribeDurable(subscriber)
    events.subscribe((event) => heard.push(event))

    const staged = await events.stage('message.created', data)
    await staged.write(trx)
    expect(heard).toEqual([])
    staged.announce()
    expect(heard).toEqual([expect.objectContaining({ type: 'message.created', version: 1, data })])
    expect(calls).toEqual(['prepare message.created', 'write message.created in trx', 'committed message.created'])
  })

  it('hands an event published on its own to durable subscribers and listeners at once', () => {
    const events = createDomainEvents(runtime)
    const { calls, subscriber } = recordingSubscriber()
    const heard: string[] = []
    events.subscribeDurable(subscriber)
    events.subscribe(() => {
      throw new Error('a broken listener')
    })
    events.subscribe((event) => heard.push(event.type))
    const errors: unknown[] = []
    events.onListenerError((error) => errors.push(error))

    events.publish('message.created', data)
    expect(calls).toEqual(['published message.created'])
    // One failing listener breaks neither the publisher nor the others.
    expect(heard).toEqual(['message.created'])
    expect(errors).toHaveLength(1)
  })

  it('stages an event without durable subscribers as a write that does nothing', async () => {
    const events = createDomainEvents(runtime)
    const staged = await events.stage('message.created', data)
    await expect(staged.write(trx)).resolves.toBeUndefined()
  })
})
