import { useEffect } from 'react'
import { useAuth } from '../features/auth/components/auth-provider.tsx'
import { useClients } from '../lib/clients.tsx'

/** The socket is open exactly while someone is signed in. */
export function SocketLifecycle() {
  const { state } = useAuth()
  const { ws } = useClients()
  const signedIn = state.status === 'signed-in'
  useEffect(() => {
    if (!signedIn) return
    ws.start()
    return () => ws.stop()
  }, [signedIn, ws])
  return null
}
