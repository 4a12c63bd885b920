import { useId } from 'react'
import { useModels } from '../api/chat-api.ts'

/** Model for the next message; empty means the conversation's (or the server's) default. */
export function ModelPicker({ value, onChange }: { value: string | undefined; onChange: (model: string) => void }) {
  const models = useModels()
  const id = useId()
  const options = models.data ?? []
  // A remembered model the server no longer offers falls back to the default.
  const known = options.some((model) => model.id === value)
  const selected = (known ? value : undefined) ?? options.find((model) => model.default)?.id ?? ''
  return (
    <span className="model-picker">
      <label htmlFor={id}>Model</label>
      <select
        id={id}
        value={selected}
        onChange={(event) => onChange(event.target.value)}
        disabled={options.length === 0}
      >
        {options.map((model) => (
          <option key={model.id} value={model.id}>
            {model.label}
          </option>
        ))}
      </select>
    </span>
  )
}
