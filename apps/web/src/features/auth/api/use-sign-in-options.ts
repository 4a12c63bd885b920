import { useQuery } from '@tanstack/react-query'
import { useClients } from '../../../lib/clients.tsx'
import { fetchSignInOptions } from './auth-api.ts'

/** Whether anyone may register and whether single sign-on is offered: set by the operator, read once a page load. */
export function useSignInOptions() {
  const { api } = useClients()
  return useQuery({ queryKey: ['auth', 'options'], queryFn: () => fetchSignInOptions(api), staleTime: Infinity })
}
