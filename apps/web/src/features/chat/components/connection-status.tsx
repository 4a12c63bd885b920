import { useConnectionStatus } from '../hooks/use-connection-status.ts'

/** Tells the user when replies cannot stream; silent while connected. */
export function ConnectionStatus() {
  const status = useConnectionStatus()
  return (
    <div role="status" aria-live="polite" className={`connection connection-${status}`}>
      {status === 'connecting' && 'Connecting…'}
      {status === 'offline' && 'Offline — reconnecting. Messages you send now go out once connected.'}
    </div>
  )
}
