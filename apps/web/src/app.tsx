import { useEffect, useState } from 'react'
import { HealthResponse } from '@parley/protocol'

/** First-run page until the chat app lands: shows that the server answers and where the API lives. */
export function App() {
  const [health, setHealth] = useState<HealthResponse | 'unreachable' | undefined>()

  useEffect(() => {
    fetch('/health')
      .then(async (response) => {
        const parsed = HealthResponse.safeParse(await response.json())
        setHealth(parsed.success ? parsed.data : 'unreachable')
      })
      .catch(() => setHealth('unreachable'))
  }, [])

  return (
    <main style={{ fontFamily: 'system-ui, sans-serif', maxWidth: 640, margin: '4rem auto', padding: '0 1rem' }}>
      <h1>Parley</h1>
      <p>Self-hosted AI chat. The chat app is on its way; the API is ready now.</p>
      <p role="status">
        {health === undefined && 'Checking the server…'}
        {health === 'unreachable' && 'The server does not answer.'}
        {typeof health === 'object' && `Server ${health.status}, version ${health.version}.`}
      </p>
      <p>
        <a href="/api/docs">API documentation</a>
      </p>
    </main>
  )
}
