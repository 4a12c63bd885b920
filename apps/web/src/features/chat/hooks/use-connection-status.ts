import { useEffect, useSyncExternalStore } from 'react'
import { useClients } from '../../../lib/clients.tsx'

/** The socket's state, following the browser's own offline and online events at once. */
export function useConnectionStatus() {
  const { ws } = useClients()
  useEffect(() => {
    const onOnline = () => ws.reconnectNow()
    const onOffline = () => ws.goOffline()
    window.addEventListener('online', onOnline)
    window.addEventListener('offline', onOffline)
    return () => {
      window.removeEventListener('online', onOnline)
      window.removeEventListener('offline', onOffline)
    }
  }, [ws])
  return useSyncExternalStore(ws.onStatus, ws.status)
}
