import { LoadError } from '../../../components/ui/load-error.tsx'
import { Page, Panel } from '../../../components/ui/panel.tsx'
import { useMe } from '../api/settings-api.ts'
import { ApiKeys } from './api-keys.tsx'
import { DeleteAllConversations } from './delete-all-conversations.tsx'
import { ExportAllConversations } from './export-all-conversations.tsx'
import { ImportConversations } from './import-conversations.tsx'
import { InstructionsForm } from './instructions-form.tsx'
import { PromptsPanel } from '../../prompts/components/prompts-panel.tsx'
import { PasswordForm } from './password-form.tsx'
import { ProfileForm } from './profile-form.tsx'
import { SessionsList } from './sessions-list.tsx'
import { SharedLinks } from './shared-links.tsx'
import { TokenUsage } from './token-usage.tsx'

/**
 * `/settings`: profile, password, custom instructions, sessions, API keys and shared links of the signed-in account,
 * and exporting all conversations to a file, importing them from one, or deleting them all.
 */
export function SettingsPage() {
  const me = useMe()
  return (
    <Page title="Settings">
      <LoadError what="your profile" query={me} />
      {me.data && (
        <>
          <ProfileForm user={me.data} />
          {me.data.has_password ? (
            <PasswordForm username={me.data.username} />
          ) : (
            <Panel title="Password">
              <p className="muted">
                You sign in through your organisation’s identity provider: this account has no password here.
              </p>
            </Panel>
          )}
        </>
      )}
      <TokenUsage />
      <InstructionsForm />
      <PromptsPanel />
      <SessionsList />
      <ApiKeys />
      <SharedLinks />
      <ExportAllConversations />
      <ImportConversations />
      <DeleteAllConversations />
    </Page>
  )
}
