import { screen } from '@testing-library/react'
import { describe, expect, it } from 'vitest'
import { renderWithClients } from '../../../testing/render-with-clients.tsx'
import { TokenUsage } from './token-usage.tsx'
import { useLimits } from '../../chat/api/chat-api.ts'

const limits = (daily_tokens: { limit: number; used: number } | null) => async () =>
  Response.json({
    max_message_length: 8_000,
    messages_per_minute: 30,
    temporary_chat_ttl_seconds: 86_400,
    daily_tokens,
  })

describe('TokenUsage', () => {
  it('says how many of the day’s tokens are used and left', async () => {
    renderWithClients(<TokenUsage />, limits({ limit: 50_000, used: 12_400 }))
    expect(
      await screen.findByText(/Your replies have used 12,400 of today’s 50,000 tokens\. 37,600 left\./),
    ).toBeTruthy()
    const meter = screen.getByRole('meter', { name: 'Tokens used today' })
    expect(meter.getAttribute('value')).toBe('12400')
    expect(meter.getAttribute('max')).toBe('50000')
  })

  it('says when new replies can start once none are left', async () => {
    renderWithClients(<TokenUsage />, limits({ limit: 100, used: 120 }))
    expect(await screen.findByText(/None left: new replies can start again at midnight UTC\./)).toBeTruthy()
  })

  it('shows nothing when no daily limit applies', async () => {
    // Renders once the same limits have arrived, so the check below runs after TokenUsage had them too.
    function Loaded() {
      return useLimits().data ? <p>loaded</p> : null
    }
    renderWithClients(
      <>
        <TokenUsage />
        <Loaded />
      </>,
      limits(null),
    )
    await screen.findByText('loaded')
    expect(screen.queryByText(/tokens/)).toBeNull()
    expect(screen.queryByRole('meter')).toBeNull()
  })
})
