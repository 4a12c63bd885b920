import { LogoutResponse, PublicUser, type RegisterRequest, SignInOptions, TokenResponse } from '@parley/protocol'
import type { ApiClient } from '../../../lib/api-client.ts'

/** JSON login by username or e-mail; the server also sets the httpOnly refresh cookie. */
export function login(api: ApiClient, identifier: string, password: string) {
  const body = identifier.includes('@') ? { email: identifier, password } : { username: identifier, password }
  return api.request(TokenResponse, '/api/auth/login', { method: 'POST', body, anonymous: true })
}

export const register = (api: ApiClient, body: RegisterRequest) =>
  api.request(PublicUser, '/api/users/', { method: 'POST', body, anonymous: true })

export const fetchMe = (api: ApiClient) => api.request(PublicUser, '/api/users/me')

export const logout = (api: ApiClient) => api.request(LogoutResponse, '/api/auth/logout', { method: 'POST' })

/** Whether single sign-on is offered, and under which name. */
export const fetchSignInOptions = (api: ApiClient) =>
  api.request(SignInOptions, '/api/auth/options', { anonymous: true })
