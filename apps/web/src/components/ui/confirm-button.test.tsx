import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { ConfirmButton } from './confirm-button.tsx'

function setup() {
  const onConfirm = vi.fn()
  render(
    <ConfirmButton label="Revoke key ci" question="Revoke key ci?" confirmLabel="Revoke" onConfirm={onConfirm}>
      Revoke
    </ConfirmButton>,
  )
  return { onConfirm, user: userEvent.setup() }
}

describe('ConfirmButton', () => {
  it('acts only after the confirmation', async () => {
    const { onConfirm, user } = setup()
    await user.click(screen.getByRole('button', { name: 'Revoke key ci' }))
    expect(onConfirm).not.toHaveBeenCalled()
    const confirm = screen.getByRole('group', { name: 'Revoke key ci?' })
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Revoke' }))
    await user.click(screen.getByRole('button', { name: 'Revoke' }))
    expect(onConfirm).toHaveBeenCalledOnce()
    expect(confirm.isConnected).toBe(false)
  })

  it('cancels with Cancel or Esc and gives focus back to the first button', async () => {
    const { onConfirm, user } = setup()
    await user.click(screen.getByRole('button', { name: 'Revoke key ci' }))
    await user.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Revoke key ci' }))
    await user.click(screen.getByRole('button', { name: 'Revoke key ci' }))
    await user.keyboard('{Escape}')
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Revoke key ci' }))
    expect(onConfirm).not.toHaveBeenCalled()
  })
})
