import { useId, useState } from 'react'
import { readThemePreference, saveThemePreference, type ThemePreference } from '../../lib/theme.ts'

const OPTIONS: { value: ThemePreference; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

/** Light, dark, or follow the system. */
export function ThemeSwitch() {
  const id = useId()
  const [theme, setTheme] = useState(readThemePreference)
  return (
    <span className="theme-switch">
      <label htmlFor={id}>Theme</label>
      <select
        id={id}
        value={theme}
        onChange={(event) => {
          const next = OPTIONS.find((option) => option.value === event.target.value)?.value ?? 'system'
          setTheme(next)
          saveThemePreference(next)
        }}
      >
        {OPTIONS.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </span>
  )
}
