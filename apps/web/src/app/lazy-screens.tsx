import { lazy, type ReactNode, Suspense } from 'react'

/**
 * Screens outside the first one a visitor sees (the sign-in form, or a new chat) are separate chunks, so the first
 * screen downloads less JavaScript (the budget is in `docs/performance.md`). Once the first screen is idle, the
 * conversation screen is fetched ahead, since it is where a first message leads.
 */
export const ConversationPage = lazy(() =>
  import('../features/chat/components/conversation-page.tsx').then((module) => ({
    default: module.ConversationPage,
  })),
)
export const SettingsPage = lazy(() =>
  import('../features/settings/components/settings-page.tsx').then((module) => ({ default: module.SettingsPage })),
)

export const ArchivedChatsPage = lazy(() =>
  import('../features/chat/components/archived-chats-page.tsx').then((module) => ({
    default: module.ArchivedChatsPage,
  })),
)

export const SharedConversationPage = lazy(() =>
  import('../features/chat/components/shared-conversation-page.tsx').then((module) => ({
    default: module.SharedConversationPage,
  })),
)

export function prefetchConversationScreen() {
  const load = () => void import('../features/chat/components/conversation-page.tsx')
  if (typeof requestIdleCallback === 'function') requestIdleCallback(load, { timeout: 3_000 })
  else setTimeout(load, 1_000)
}

export function LazyScreen({ children }: { children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <p className="splash" role="status">
          Loading…
        </p>
      }
    >
      {children}
    </Suspense>
  )
}
