import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { BranchSwitcher } from './branch-switcher.tsx'

describe('BranchSwitcher', () => {
  it('is absent for a message with one version', () => {
    const { container } = render(<BranchSwitcher messageId="a" versions={['a']} onSelect={() => {}} />)
    expect(container.innerHTML).toBe('')
  })

  it('shows which version is shown and selects the one before or after it', async () => {
    const onSelect = vi.fn()
    render(<BranchSwitcher messageId="b" versions={['a', 'b', 'c']} onSelect={onSelect} />)
    const group = screen.getByRole('group', { name: 'Versions' })
    expect(group.textContent).toContain('2/3')
    expect(group.textContent).toContain('Version 2 of 3')
    await userEvent.click(screen.getByRole('button', { name: 'Previous version' }))
    await userEvent.click(screen.getByRole('button', { name: 'Next version' }))
    expect(onSelect.mock.calls).toEqual([['a'], ['c']])
  })

  it('cannot go past the first or last version, nor switch while disabled', () => {
    const { rerender } = render(<BranchSwitcher messageId="a" versions={['a', 'b']} onSelect={() => {}} />)
    const button = (name: string) => screen.getByRole<HTMLButtonElement>('button', { name })
    expect(button('Previous version').disabled).toBe(true)
    expect(button('Next version').disabled).toBe(false)
    rerender(<BranchSwitcher messageId="a" versions={['a', 'b']} onSelect={() => {}} disabled />)
    expect(button('Next version').disabled).toBe(true)
  })
})
