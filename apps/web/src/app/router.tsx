import { createBrowserRouter, Navigate, RouterProvider } from 'react-router'
import { AccountMenu } from '../features/auth/components/account-menu.tsx'
import { AuthGate } from '../features/auth/components/auth-gate.tsx'
import { RegisterPage } from '../features/auth/components/register-page.tsx'
import { SignInPage } from '../features/auth/components/sign-in-page.tsx'
import { ChatLayout } from '../features/chat/components/chat-layout.tsx'
import { ConversationPage } from '../features/chat/components/conversation-page.tsx'
import { NewChatPage } from '../features/chat/components/new-chat-page.tsx'
import { SettingsPage } from '../features/settings/components/settings-page.tsx'
import { operatorRoutes } from './operator-routes.tsx'

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
      { index: true, element: <NewChatPage /> },
      { path: 'c/:conversationId', element: <ConversationPage /> },
      { path: 'settings', element: <SettingsPage /> },
      ...operatorRoutes,
    ],
  },
  { path: '*', element: <Navigate to="/" replace /> },
])

export function AppRouter() {
  return <RouterProvider router={router} />
}
