import { OkResponse, PublicUser, type RegisterRequest, TokenResponse } from '@parley/protocol'
import type { ApiClient } from '../../../lib/api-client.ts'

/** JSON login by username or e-mail; the server also sets the httpOnly refresh cookie. */
export function login(api: ApiClient, identifier: string, password: string) {
  const body = identifier.includes('@') ? { email: identifier, password } : { username: identifier, password }
  return api.request(TokenResponse, '/api/auth/login', { method: 'POST', body, anonymous: true })
}

export const register = (api: ApiClient, body: RegisterRequest) =>
  api.request(PublicUser, '/api/users/', { method: 'POST', body, anonymous: true })

export const fetchMe = (api: ApiClient) => api.request(PublicUser, '/api/users/me')

export const logout = (api: ApiClient) => api.request(OkResponse, '/api/auth/logout', { method: 'POST' })
