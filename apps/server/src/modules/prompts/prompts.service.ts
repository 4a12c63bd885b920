import { PROMPTS_PER_ACCOUNT, type Prompt, type SavePromptRequest } from '@parley/protocol'
import type { Db } from '../../db/database.ts'
import { conflict, forbidden, notFound } from '../../shared/errors.ts'
import type { Runtime } from '../../shared/runtime.ts'
import { type Principal, hasPermission } from '../auth/principal.ts'
import * as repo from './prompts.repo.ts'
import type { PromptRow } from './prompts.table.ts'

const onlyAdminsShare = () => forbidden('Only admins offer prompts to everyone, and change those offered')

/**
 * Saved prompts: text put in the message box by typing `/name` (a review checklist, a translation request). Each
 * account keeps its own; admins also offer some to everyone, which only admins change.
 */
export function createPromptsService(deps: { db: Db; runtime: Runtime }) {
  const { db, runtime } = deps

  /** Names are unique among each account's prompts, and among the shared ones. */
  async function assertNameFree(name: string, scope: { ownerId: string; shared: boolean; exceptId?: string }) {
    if (await repo.nameTaken(db, name, { ownerId: scope.ownerId }, scope.exceptId))
      throw conflict(`You already have a prompt named /${name}`)
    if (scope.shared && (await repo.nameTaken(db, name, { shared: true }, scope.exceptId)))
      throw conflict(`A prompt named /${name} is already offered to everyone`)
  }

  /** A concurrent save can take the name between the check and the write: a unique index refuses it then. */
  async function orNameTaken<T>(
    name: string,
    scope: { ownerId: string; shared: boolean; exceptId?: string },
    write: () => Promise<T>,
  ) {
    try {
      return await write()
    } catch (error) {
      await assertNameFree(name, scope)
      throw error
    }
  }

  /** The prompt the caller may change: their own, or (for admins) one offered to everyone. */
  async function changeable(principal: Principal, id: string): Promise<PromptRow> {
    const row = await repo.findPrompt(db, id)
    const mine = row?.owner_id === principal.userId
    if (!row || (!mine && row.shared !== 1)) throw notFound('Prompt')
    if (row.shared === 1 && !hasPermission(principal, 'prompts:share')) throw onlyAdminsShare()
    return row
  }

  return {
    list: async (principal: Principal): Promise<Prompt[]> =>
      (await repo.listPrompts(db, principal.userId)).map((row) => repo.toPrompt(row, principal.userId)),

    async create(principal: Principal, request: SavePromptRequest): Promise<Prompt> {
      const ownerId = principal.userId
      const shared = request.shared ?? false
      if (shared && !hasPermission(principal, 'prompts:share')) throw onlyAdminsShare()
      const scope = { ownerId, shared }
      await assertNameFree(request.name, scope)
      if ((await repo.countOwnPrompts(db, ownerId)) >= PROMPTS_PER_ACCOUNT)
        throw conflict(`You have ${PROMPTS_PER_ACCOUNT} prompts, the most an account keeps; delete one first`)
      const now = runtime.now().toISOString()
      const row = {
        id: runtime.newId(),
        owner_id: ownerId,
        name: request.name,
        content: request.content,
        shared: shared ? 1 : 0,
        created_at: now,
        updated_at: now,
      }
      await orNameTaken(request.name, scope, () => repo.insertPrompt(db, row))
      return repo.toPrompt(row, ownerId)
    },

    async update(principal: Principal, id: string, request: SavePromptRequest): Promise<Prompt> {
      const row = await changeable(principal, id)
      const shared = request.shared ?? false
      if (shared && !hasPermission(principal, 'prompts:share')) throw onlyAdminsShare()
      const scope = { ownerId: row.owner_id, shared, exceptId: id }
      await assertNameFree(request.name, scope)
      const changes = {
        name: request.name,
        content: request.content,
        shared: shared ? 1 : 0,
        updated_at: runtime.now().toISOString(),
      }
      const updated = await orNameTaken(request.name, scope, () => repo.updatePrompt(db, id, changes))
      if (!updated) throw notFound('Prompt')
      return repo.toPrompt(updated, principal.userId)
    },

    async remove(principal: Principal, id: string): Promise<void> {
      await changeable(principal, id)
      if (!(await repo.deletePrompt(db, id))) throw notFound('Prompt')
    },
  }
}

export type PromptsService = ReturnType<typeof createPromptsService>
