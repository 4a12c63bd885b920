import type { PowChallenge, PowSolution } from '@parley/protocol'
import { createChallenge, randomInt, verifySolution } from 'altcha-lib'
import { deriveKey } from 'altcha-lib/algorithms/sha'
import { AppError } from '../../shared/errors.ts'
import { hashSecret } from '../../shared/secrets.ts'
import type { GuardStore } from '../guard/guard.store.ts'

export interface ProofOfWorkSettings {
  /** Signs challenges; replicas must share it so any of them verifies what another issued. */
  secret: string
  /** The browser tries on average half this many SHA-256 hashes. */
  maxNumber: number
  ttlMs: number
}

/**
 * Self-hosted proof of work (ALTCHA v2, SHA-256): the server signs a challenge whose answer it already
 * knows, the visitor's browser searches for it, and a solution is accepted once (a store entry marks it
 * spent, in Redis when configured so that holds across replicas).
 */
export function createProofOfWork(settings: ProofOfWorkSettings, store: GuardStore, now: () => number) {
  const secrets = {
    hmacSignatureSecret: `${settings.secret}:challenge`,
    hmacKeySignatureSecret: `${settings.secret}:key`,
  }
  return {
    async challenge(): Promise<PowChallenge> {
      const challenge = await createChallenge({
        algorithm: 'SHA-256',
        cost: 1,
        counter: randomInt(settings.maxNumber, Math.floor(settings.maxNumber / 10)),
        deriveKey,
        expiresAt: new Date(now() + settings.ttlMs),
        ...secrets,
      })
      return { parameters: challenge.parameters, signature: challenge.signature }
    },

    async verify(payload: PowSolution | undefined): Promise<void> {
      if (!payload)
        throw new AppError('proof_of_work_required', 'This chat asks the browser to solve a challenge first')
      const result = await verifySolution({
        challenge: payload.challenge,
        solution: payload.solution,
        deriveKey,
        ...secrets,
      })
      if (!result.verified) {
        const why = result.expired ? 'has expired' : 'is not valid'
        throw new AppError('proof_of_work_invalid', `The challenge solution ${why}; fetch a new challenge`)
      }
      // A window of one admission that outlives the challenge: the second use of a solution is refused.
      const key = `pow:${hashSecret(payload.challenge.signature ?? '')}`
      const first = await store.admit(key, 1, settings.ttlMs * 2, now())
      if (!first.admitted)
        throw new AppError('proof_of_work_invalid', 'This challenge was already used; fetch a new one')
    },
  }
}

export type ProofOfWork = ReturnType<typeof createProofOfWork>
