import { useEffect } from 'react'
import { createBrowserRouter, RouterProvider } from 'react-router'
import { NotFound } from '../components/ui/dead-ends.tsx'
import { AccountMenu } from '../features/auth/components/account-menu.tsx'
import { AuthGate } from '../features/auth/components/auth-gate.tsx'
import { RegisterPage } from '../features/auth/components/register-page.tsx'
import { SignInPage } from '../features/auth/components/sign-in-page.tsx'
import { ChatLayout } from '../features/chat/components/chat-layout.tsx'
import { NewChatPage } from '../features/chat/components/new-chat-page.tsx'
import {
  ArchivedChatsPage,
  ConversationPage,
  LazyScreen,
  prefetchConversationScreen,
  SettingsPage,
  SharedConversationPage,
} from './lazy-screens.tsx'
import { operatorRoutes } from './operator-routes.tsx'
import { useIsAdmin } from './require-role.tsx'

/** The new-chat screen; admins see how to set up a real model when only the demo model runs. */
function NewChatScreen() {
  useEffect(prefetchConversationScreen, [])
  return <NewChatPage isAdmin={useIsAdmin()} />
}

const router = createBrowserRouter([
  {
    path: '/sign-in',
    element: (
      <AuthGate guestOnly>
        <SignInPage />
      </AuthGate>
    ),
  },
  {
    path: '/register',
    element: (
      <AuthGate guestOnly>
        <RegisterPage />
      </AuthGate>
    ),
  },
  {
    path: '/',
    element: (
      <AuthGate>
        <ChatLayout sidebarFooter={<AccountMenu />} />
      </AuthGate>
    ),
    children: [
      { index: true, element: <NewChatScreen /> },
      {
        path: 'c/:conversationId',
        element: (
          <LazyScreen>
            <ConversationPage />
          </LazyScreen>
        ),
      },
      {
        path: 'archived',
        element: (
          <LazyScreen>
            <ArchivedChatsPage />
          </LazyScreen>
        ),
      },
      {
        path: 'settings',
        element: (
          <LazyScreen>
            <SettingsPage />
          </LazyScreen>
        ),
      },
      ...operatorRoutes,
      { path: '*', element: <NotFound /> },
    ],
  },
  // A shared link: readable by anyone, signed in or not.
  {
    path: '/s/:shareId',
    element: (
      <LazyScreen>
        <SharedConversationPage />
      </LazyScreen>
    ),
  },
])

export function AppRouter() {
  return <RouterProvider router={router} />
}
