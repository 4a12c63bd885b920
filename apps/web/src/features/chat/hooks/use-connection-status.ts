import { useEffect, useSyncExternalStore } from 'react'
import { useClients } from '../../../lib/clients.tsx'

/** The socket's state; also reconnects at once when the browser reports the network is back. */
export function useConnectionStatus() {
  const { ws } = useClients()
  useEffect(() => {
    const onOnline = () => ws.reconnectNow()
    window.addEventListener('online', onOnline)
    return () => window.removeEventListener('online', onOnline)
  }, [ws])
  return useSyncExternalStore(ws.onStatus, ws.status)
}
