import { render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it, vi } from 'vitest'
import { RangePicker } from './range-picker.tsx'

describe('RangePicker', () => {
  it('offers the presets and reports the chosen one and the live switch', async () => {
    const onChange = vi.fn()
    const onLiveChange = vi.fn()
    render(<RangePicker value="24h" onChange={onChange} live onLiveChange={onLiveChange} />)
    const select = screen.getByLabelText<HTMLSelectElement>('Range')
    expect(select.value).toBe('24h')
    expect([...select.options].map((option) => option.value)).toEqual(['1h', '24h', '7d', '30d'])
    await userEvent.selectOptions(select, '7d')
    expect(onChange).toHaveBeenCalledWith('7d')
    await userEvent.click(screen.getByLabelText('Live refresh'))
    expect(onLiveChange).toHaveBeenCalledWith(false)
  })
})
