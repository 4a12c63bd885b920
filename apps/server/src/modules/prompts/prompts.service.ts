import { PROMPTS_PER_ACCOUNT, type Prompt, type SavePromptRequest } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { conflict, notFound } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { Principal } from '../auth/principal.ts'
import * as repo from './prompts.repo.ts'

/**
 * Saved prompts: text an account keeps to put in the message box by typing `/name` (a review checklist, a
 * translation request). Private to their owner.
 */
export function createPromptsService(deps: { db: Db; runtime: Runtime }) {
  const { db, runtime } = deps

  async function assertNameFree(ownerId: string, name: string, exceptId?: string) {
    if (await repo.findPromptByName(db, ownerId, name, exceptId))
      throw conflict(`You already have a prompt named /${name}`)
  }

  /** A concurrent save can take the name between the check and the write: the unique index refuses it then. */
  async function orNameTaken<T>(ownerId: string, name: string, exceptId: string | undefined, write: () => Promise<T>) {
    try {
      return await write()
    } catch (error) {
      await assertNameFree(ownerId, name, exceptId)
      throw error
    }
  }

  return {
    list: async (principal: Principal): Promise<Prompt[]> =>
      (await repo.listPrompts(db, principal.userId)).map(repo.toPrompt),

    async create(principal: Principal, request: SavePromptRequest): Promise<Prompt> {
      const ownerId = principal.userId
      await assertNameFree(ownerId, request.name)
      if ((await repo.countPrompts(db, ownerId)) >= PROMPTS_PER_ACCOUNT)
        throw conflict(`You have ${PROMPTS_PER_ACCOUNT} prompts, the most an account keeps; delete one first`)
      const now = runtime.now().toISOString()
      const row = { id: runtime.newId(), owner_id: ownerId, ...request, created_at: now, updated_at: now }
      await orNameTaken(ownerId, request.name, undefined, () => repo.insertPrompt(db, row))
      return repo.toPrompt(row)
    },

    async update(principal: Principal, id: string, request: SavePromptRequest): Promise<Prompt> {
      const ownerId = principal.userId
      await assertNameFree(ownerId, request.name, id)
      const changes = { ...request, updated_at: runtime.now().toISOString() }
      const row = await orNameTaken(ownerId, request.name, id, () => repo.updatePrompt(db, ownerId, id, changes))
      if (!row) throw notFound('Prompt')
      return repo.toPrompt(row)
    },

    async remove(principal: Principal, id: string): Promise<void> {
      if (!(await repo.deletePrompt(db, principal.userId, id))) throw notFound('Prompt')
    },
  }
}

export type PromptsService = ReturnType<typeof createPromptsService>
