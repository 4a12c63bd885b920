import { screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'
import { AuthProvider } from './auth-provider.tsx'
import { RegisterPage } from './register-page.tsx'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'

function renderWithServer(answer: (url: string) => Response) {
  const fetch = async (url: RequestInfo | URL) => answer(String(url))
  renderWithClients(
    <AuthProvider>
      <RegisterPage />
    </AuthProvider>,
    fetch,
  )
}

const error = (status: number, body: object) => new Response(JSON.stringify({ error: body }), { status })

describe('RegisterPage', () => {
  it('explains the password policy as the user types', async () => {
    renderWithServer(() => error(401, { code: 'unauthorized', message: 'no cookie' }))
    const password = screen.getByLabelText('Password')
    expect(password.getAttribute('aria-describedby')).toBeTruthy()
    expect(screen.getByText(/10–128 characters, not your username/)).toBeTruthy()
    await userEvent.type(screen.getByLabelText('Username'), 'alice_smith')
    await userEvent.type(password, 'alice_smith')
    expect(screen.getByText('Still needed: not your username.')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Create account' }).hasAttribute('disabled')).toBe(true)
  })

  it('shows the server’s verdict once, next to the field, until the field changes', async () => {
    renderWithServer((url) =>
      url === '/api/users/'
        ? error(400, {
            code: 'weak_password',
            message: 'Password is too common',
            issues: [{ path: 'password', message: 'is a commonly used password' }],
          })
        : error(401, { code: 'unauthorized', message: 'no cookie' }),
    )
    await userEvent.type(screen.getByLabelText('Username'), 'alice_smith')
    await userEvent.type(screen.getByLabelText('E-mail'), 'alice@example.com')
    await userEvent.type(screen.getByLabelText('Password'), 'password1234')
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }))
    expect(await screen.findByText('Password is a commonly used password.')).toBeTruthy()
    expect(screen.queryByText('Password is too common')).toBeNull()
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBe('true')
    await userEvent.type(screen.getByLabelText('Password'), '!')
    expect(screen.queryByText('Password is a commonly used password.')).toBeNull()
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBeNull()
  })

  it('shows an error about no field once, above the button, and clears it when a field changes', async () => {
    renderWithServer((url) =>
      url === '/api/users/'
        ? error(409, { code: 'conflict', message: 'That username is taken.' })
        : error(401, { code: 'unauthorized', message: 'no cookie' }),
    )
    await userEvent.type(screen.getByLabelText('Username'), 'alice_smith')
    await userEvent.type(screen.getByLabelText('E-mail'), 'alice@example.com')
    await userEvent.type(screen.getByLabelText('Password'), 'a-long-enough-secret')
    await userEvent.click(screen.getByRole('button', { name: 'Create account' }))
    expect((await screen.findByRole('alert')).textContent).toBe('That username is taken.')
    expect(screen.getAllByText('That username is taken.')).toHaveLength(1)
    await userEvent.type(screen.getByLabelText('Username'), '2')
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('says registration is closed when the operator closed it, instead of a form the server would refuse, and offers single sign-on', async () => {
    renderWithServer((url) =>
      url === '/api/auth/options'
        ? new Response(
            JSON.stringify({
              registration_open: false,
              single_sign_on: { name: 'Company login', start_url: '/api/auth/oidc/start' },
            }),
          )
        : error(401, { code: 'unauthorized', message: 'no cookie' }),
    )
    expect(await screen.findByRole('heading', { name: 'Registration is closed' })).toBeTruthy()
    expect(screen.queryByLabelText('Password')).toBeNull()
    expect(screen.getByRole('link', { name: 'Sign in' })).toBeTruthy()
    // Single sign-on still makes accounts: its way in stays offered.
    expect(screen.getByRole('link', { name: 'Sign in with Company login' }).getAttribute('href')).toBe(
      '/api/auth/oidc/start',
    )
  })
})
