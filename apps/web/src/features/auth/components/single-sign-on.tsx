import { SingleSignOnError } from '@parley/protocol'
import { useSearchParams } from 'react-router'
import { useSignInOptions } from '../api/use-sign-in-options.ts'

const MESSAGES: Record<SingleSignOnError, string> = {
  failed: 'Signing in through your identity provider did not complete. Try again.',
  unavailable: 'Your identity provider could not be reached. Try again later, or sign in with a password.',
  cancelled: 'Signing in was cancelled at your identity provider.',
  email_missing: 'Your identity provider did not share an e-mail address, which an account here needs.',
  domain_not_allowed: 'Accounts here are for other e-mail domains than yours. Ask an administrator.',
  role_not_allowed: 'Your identity provider does not put you in a group that may use this site. Ask an administrator.',
  email_taken:
    'An account here already has that e-mail address, and your identity provider does not say it is verified. ' +
    "Sign in with that account's password.",
  account_disabled: 'This account is deactivated. Ask an administrator to activate it.',
}

/**
 * The way in through the identity provider, when one is configured: a link the browser follows (the provider's
 * pages cannot be fetched), and why the last attempt failed when it brought the browser back here. `divider` leads
 * to the form below it, if any.
 */
export function SingleSignOn({ divider }: { divider?: string }) {
  const options = useSignInOptions()
  const [params] = useSearchParams()
  const error = SingleSignOnError.safeParse(params.get('sso_error'))
  const provider = options.data?.single_sign_on
  return (
    <>
      {error.success && (
        <p role="alert" className="form-error">
          {MESSAGES[error.data]}
        </p>
      )}
      {provider && (
        <div className="single-sign-on">
          <a className="button" href={provider.start_url}>
            Sign in with {provider.name}
          </a>
          {divider && <p className="auth-divider">{divider}</p>}
        </div>
      )}
    </>
  )
}
