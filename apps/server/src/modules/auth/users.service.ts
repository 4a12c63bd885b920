import { randomBytes } from 'node:crypto'
import type {
  AdminUpdateUserRequest,
  Instructions,
  Me,
  PublicUser,
  RegisterRequest,
  Role,
  UpdateMeRequest,
} from '@parley/protocol'
import type { EventBus } from '../../bus/event-bus.ts'
import type { Db } from '../../db/database.ts'
import { AppError, badRequest, conflict, notFound } from '../../shared/errors.ts'
import type { DomainEvents } from '../../shared/domain-events.ts'
import type { Runtime } from '../../shared/runtime.ts'
import type { AuditService } from '../audit/audit.service.ts'
import type { InvitationsService } from '../invitations/invitations.service.ts'
import type { AuthService } from './auth.service.ts'
import { randomSecret } from '../../shared/secrets.ts'
import { encodeRoles } from '../../shared/stored-roles.ts'
import { NO_PASSWORD, checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.ts'
import type { ClientInfo, Principal } from './principal.ts'
import {
  countActiveAdmins,
  deleteUser,
  findConflictingUser,
  findInstructions,
  findUserById,
  findUserByLogin,
  isGuestUser,
  insertUser,
  listUsers,
  setInstructions,
  unlessLastAdmin,
  updateUser,
} from './users.repo.ts'

export interface UsersServiceDeps {
  db: Db
  runtime: Runtime
  audit: AuditService
  auth: AuthService
  bus: EventBus
  /** Where `user.registered` is published (self-registration only, not accounts an admin creates). */
  events?: DomainEvents | undefined
  /** `PARLEY_REGISTRATION=open`: anyone may create an account with a password. */
  registrationOpen: boolean
  invitations: Pick<InvitationsService, 'claim' | 'release' | 'accepted'>
}

export interface NewUser {
  username: string
  email: string
  /** Null for an account that signs in only through the identity provider. */
  password: string | null
  full_name?: string | null
  roles?: Role[] | undefined
}

const NO_CLIENT: ClientInfo = { ip: null, userAgent: null }

export function createUsersService(deps: UsersServiceDeps) {
  const { db, runtime, audit, auth, bus, invitations } = deps
  const nowIso = () => runtime.now().toISOString()

  async function requireUser(id: string) {
    const user = await findUserById(db, id)
    if (!user) throw notFound('User')
    return user
  }

  async function assertPasswordPolicy(password: string, username: string, field?: string) {
    const issues = await checkPasswordPolicy(password, { username, ...(field ? { field } : {}) })
    if (issues.length > 0) {
      throw new AppError('weak_password', `Password ${issues[0]!.message}`, { issues })
    }
  }

  async function assertUnique(candidate: { username?: string; email?: string }, exceptId?: string) {
    const clash = await findConflictingUser(db, candidate, exceptId)
    if (clash) throw conflict(clash === 'username' ? 'Username is already taken' : 'E-mail is already registered')
  }

  const lastAdmin = () => conflict('This is the last active admin; make another admin first')

  /** Guards against an instance with nobody left who can administer it (a quick check before side effects). */
  async function assertNotLastAdmin(userId: string) {
    if ((await countActiveAdmins(db, userId)) === 0) throw lastAdmin()
  }

  /** Applies a change that removes an active admin; the last-admin check and the write are one transaction. */
  async function changeUnlessLastAdmin<T>(userId: string, change: (trx: Db) => Promise<T>): Promise<T> {
    const outcome = await unlessLastAdmin(db, userId, change)
    if (!outcome.done) throw lastAdmin()
    return outcome.result
  }

  async function create(input: NewUser, actorId: string | null, client: ClientInfo): Promise<PublicUser> {
    const email = input.email.toLowerCase()
    if (input.password !== null) await assertPasswordPolicy(input.password, input.username)
    await assertUnique({ username: input.username, email })
    const now = nowIso()
    const id = runtime.newId()
    const roles = input.roles ?? ['user']
    try {
      await insertUser(db, {
        id,
        username: input.username,
        username_key: input.username.toLowerCase(),
        email,
        full_name: input.full_name ?? null,
        // No password: an empty hash, which no password verifies against.
        password_hash: input.password === null ? NO_PASSWORD : await hashPassword(input.password),
        roles: encodeRoles(roles),
        is_active: 1,
        created_at: now,
        updated_at: now,
      })
    } catch (error) {
      // A concurrent registration can win the race between the check above and the insert.
      if (await findConflictingUser(db, { username: input.username, email }))
        throw conflict('Username or e-mail is already taken')
      throw error
    }
    await audit.record({
      type: actorId ? 'user.created' : 'user.registered',
      actorId: actorId ?? id,
      targetId: id,
      ip: client.ip,
      detail: { roles },
    })
    if (!actorId) deps.events?.publish('user.registered', { user_id: id, username: input.username, email })
    return withoutHash(await requireUser(id))
  }

  /** Sets a password (already checked against the policy) and ends every session of the account. */
  async function replacePassword(userId: string, password: string, actorId: string | null, client: ClientInfo) {
    await updateUser(db, userId, { password_hash: await hashPassword(password), updated_at: nowIso() })
    await auth.revokeAll(userId, 'password_reset')
    await audit.record({ type: 'password.reset', actorId, targetId: userId, ip: client.ip })
  }

  /** The first of `base`, `base2` … `base9`, `base-<4 hex>` no account uses (any case). */
  async function freeUsername(base: string): Promise<string> {
    const candidates = [base, ...Array.from({ length: 8 }, (_, i) => `${base}${i + 2}`)]
    for (const candidate of candidates) if (!(await findConflictingUser(db, { username: candidate }))) return candidate
    return `${base}-${randomBytes(2).toString('hex')}`
  }

  return {
    /** Self-registration: open to anyone, or (with an invitation link's secret) to the one person invited. */
    async register(input: RegisterRequest, client: ClientInfo): Promise<PublicUser> {
      const { invitation: token, ...account } = input
      if (token === undefined) {
        if (!deps.registrationOpen)
          throw new AppError('registration_closed', 'Registration is closed here; an administrator creates accounts')
        return create(account, null, client)
      }
      const invitation = await invitations.claim(token, account.email)
      let user: PublicUser
      try {
        user = await create({ ...account, roles: invitation.roles }, null, client)
      } catch (error) {
        // A taken username or a weak password must not use the invitation up.
        await invitations.release(invitation.id)
        throw error
      }
      await invitations.accepted(invitation.id, user.id, client)
      return user
    },

    /**
     * Registers someone the identity provider vouches for: no password, and a username made from the one the
     * provider suggests (or the e-mail address), changed only as far as needed to be valid and free.
     */
    async registerFromIdentity(
      input: { suggestedUsername: string; email: string; full_name: string | null; roles?: Role[] | undefined },
      client: ClientInfo,
    ): Promise<PublicUser> {
      const { suggestedUsername, ...account } = input
      return create(
        { ...account, username: await freeUsername(usernameFrom(suggestedUsername)), password: null },
        null,
        client,
      )
    },

    /** An admin creates an account for someone else, with a generated password to hand over. */
    async adminCreate(
      actor: Principal,
      input: Omit<NewUser, 'password'>,
      client: ClientInfo,
    ): Promise<{ user: PublicUser; password: string }> {
      const password = generatedPassword()
      return { user: await create({ ...input, password }, actor.userId, client), password }
    },

    /** Creates an account with chosen roles (admin API, CLI, first-start bootstrap). */
    createUser: (input: NewUser, actorId: string | null, client: ClientInfo = NO_CLIENT) =>
      create(input, actorId, client),

    async getUser(id: string): Promise<PublicUser> {
      return withoutHash(await requireUser(id))
    },

    /** The account as its owner sees it: also whether it has a password (single sign-on accounts may not). */
    async getMe(id: string): Promise<Me> {
      return meOf(await requireUser(id))
    },

    /** Whether the account is a guest session's shadow account (a website widget's visitor). */
    isGuestAccount(id: string): Promise<boolean> {
      return isGuestUser(db, id)
    },

    async updateMe(principal: Principal, changes: UpdateMeRequest): Promise<Me> {
      const email = changes.email?.toLowerCase()
      if (email) await assertUnique({ email }, principal.userId)
      await updateUser(db, principal.userId, {
        ...(email ? { email } : {}),
        ...(changes.full_name !== undefined ? { full_name: changes.full_name } : {}),
        updated_at: nowIso(),
      })
      return meOf(await requireUser(principal.userId))
    },

    /** What the chat module sends with each of the user's replies. */
    instructionsOf: (userId: string) => findInstructions(db, userId),

    async setInstructions(principal: Principal, given: string | null): Promise<Instructions> {
      const instructions = given?.trim() || null
      await setInstructions(db, principal.userId, instructions, nowIso())
      return { instructions }
    },

    /** Changes the password and signs out every other session. */
    async changePassword(principal: Principal, current: string, next: string, client: ClientInfo): Promise<void> {
      const user = await requireUser(principal.userId)
      if (!(await verifyPassword(user.password_hash, current))) {
        throw new AppError('forbidden', 'Current password is incorrect')
      }
      await assertPasswordPolicy(next, user.username, 'new_password')
      await updateUser(db, user.id, { password_hash: await hashPassword(next), updated_at: nowIso() })
      await auth.revokeAll(user.id, 'password_changed', principal.sessionId ?? undefined)
      await audit.record({ type: 'password.changed', actorId: user.id, targetId: user.id, ip: client.ip })
    },

    /** Operator reset (CLI): sets a password and ends every session. */
    async resetPassword(login: string, password: string): Promise<PublicUser> {
      const user = await findUserByLogin(db, login)
      if (!user) throw notFound('User')
      await assertPasswordPolicy(password, user.username)
      await replacePassword(user.id, password, null, NO_CLIENT)
      return withoutHash(user)
    },

    /** An admin gives an account a new, generated password (to hand over); its sessions end. */
    async adminResetPassword(actor: Principal, id: string, client: ClientInfo): Promise<{ password: string }> {
      const user = await requireUser(id)
      if (user.roles.length === 0) throw notFound('User') // a guest's shadow account has no password to reset
      const password = generatedPassword()
      await replacePassword(user.id, password, actor.userId, client)
      return { password }
    },

    async findByLogin(login: string): Promise<PublicUser | undefined> {
      const user = await findUserByLogin(db, login)
      return user && withoutHash(user)
    },

    list: (filter: { q?: string; limit: number; offset: number }) => listUsers(db, filter),

    /** Role and activation changes take effect at once: the user's sessions end and live sockets close. */
    async adminUpdate(
      actor: Principal | null,
      id: string,
      changes: AdminUpdateUserRequest,
      client: ClientInfo = NO_CLIENT,
    ): Promise<PublicUser> {
      const user = await requireUser(id)
      const rolesChanged = changes.roles !== undefined && encodeRoles(changes.roles) !== encodeRoles(user.roles)
      const deactivating = changes.is_active === false && user.is_active
      const activating = changes.is_active === true && !user.is_active
      const losesAdmin =
        user.roles.includes('admin') &&
        user.is_active &&
        (deactivating || (rolesChanged && !changes.roles!.includes('admin')))
      if (!rolesChanged && !deactivating && !activating) return withoutHash(user)
      const row = {
        ...(rolesChanged ? { roles: encodeRoles(changes.roles!) } : {}),
        ...(deactivating || activating ? { is_active: deactivating ? 0 : 1 } : {}),
        updated_at: nowIso(),
      }
      if (losesAdmin) await changeUnlessLastAdmin(id, (trx) => updateUser(trx, id, row))
      else await updateUser(db, id, row)
      const actorId = actor?.userId ?? null
      if (rolesChanged) {
        await audit.record({
          type: 'user.roles_changed',
          actorId,
          targetId: id,
          ip: client.ip,
          detail: { from: user.roles, to: changes.roles },
        })
      }
      if (deactivating) await audit.record({ type: 'user.deactivated', actorId, targetId: id, ip: client.ip })
      if (activating) await audit.record({ type: 'user.activated', actorId, targetId: id, ip: client.ip })
      if (rolesChanged || deactivating) {
        await auth.revokeAll(id, deactivating ? 'deactivated' : 'roles_changed')
        await bus.publish({
          type: 'auth.user_changed',
          userId: id,
          reason: deactivating ? 'deactivated' : 'roles_changed',
        })
      }
      return withoutHash(await requireUser(id))
    },

    async adminDelete(actor: Principal, id: string, client: ClientInfo): Promise<void> {
      const user = await requireUser(id)
      const isActiveAdmin = user.roles.includes('admin') && user.is_active
      if (isActiveAdmin) await assertNotLastAdmin(id)
      await auth.revokeAll(id, 'deleted')
      const deleted = isActiveAdmin
        ? await changeUnlessLastAdmin(id, (trx) => deleteUser(trx, id))
        : await deleteUser(db, id)
      if (!deleted) throw notFound('User')
      await bus.publish({ type: 'auth.user_changed', userId: id, reason: 'deleted' })
      await audit.record({
        type: 'user.deleted',
        actorId: actor.userId,
        targetId: id,
        ip: client.ip,
        detail: { username: user.username },
      })
    },

    /**
     * Whether `PARLEY_ADMIN_PASSWORD` is set but does not sign the configured admin in: it is read on first start
     * only, and a change ignored in silence leaves an operator locked out.
     */
    async adminPasswordIgnored(settings: { username: string; password?: string | undefined }): Promise<boolean> {
      if (settings.password === undefined) return false
      const existing = await findUserByLogin(db, settings.username)
      return !existing || !(await verifyPassword(existing.password_hash, settings.password))
    },

    /** Creates the first admin unless one exists. Returns what was created, for the one-time console notice. */
    async bootstrapAdmin(
      settings: { username: string; email: string; password?: string | undefined },
      generatePassword: () => string,
    ) {
      if ((await countActiveAdmins(db)) > 0) return undefined
      const password = settings.password ?? generatePassword()
      if (settings.password) {
        const issues = await checkPasswordPolicy(settings.password, { username: settings.username })
        if (issues.length > 0) throw badRequest(`PARLEY_ADMIN_PASSWORD ${issues[0]!.message}`)
      }
      try {
        const user = await create(
          { username: settings.username, email: settings.email, password, roles: ['admin', 'user'] },
          null,
          NO_CLIENT,
        )
        return { user, generatedPassword: settings.password ? undefined : password }
      } catch (error) {
        // Another replica starting at the same moment may have created it.
        if (error instanceof AppError && error.code === 'conflict' && (await countActiveAdmins(db)) > 0)
          return undefined
        throw error
      }
    },
  }
}

/** A password for someone to sign in with once and change: 144 random bits, always past the policy. */
export function generatedPassword(): string {
  return randomSecret(18)
}

/** A valid username (3–32 of letters, digits, "_", "." and "-") as close to `suggested` as possible. */
function usernameFrom(suggested: string): string {
  const cleaned = suggested
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9_.-]+/g, '')
    .slice(0, 27)
  return cleaned.length >= 3 ? cleaned : `user${cleaned}`
}

function meOf(user: PublicUser & { password_hash: string }): Me {
  return { ...withoutHash(user), has_password: user.password_hash !== NO_PASSWORD }
}

function withoutHash(user: PublicUser & { password_hash?: string }): PublicUser {
  const { password_hash: _hidden, ...rest } = user
  return rest
}

export type UsersService = ReturnType<typeof createUsersService>
