import type { Role } from '@parley/protocol'
import { lazy, type ReactNode, Suspense } from 'react'
import { OPERATOR_ROLES, RequireRole, useIsAdmin } from './require-role.tsx'

// Operators' screens are separate chunks (recharts among them): the chat never downloads them.
const DashboardPage = lazy(() =>
  import('../features/analytics/components/dashboard-page.tsx').then((module) => ({ default: module.DashboardPage })),
)
const UsersPage = lazy(() =>
  import('../features/admin/components/users-page.tsx').then((module) => ({ default: module.UsersPage })),
)
const WidgetsPage = lazy(() =>
  import('../features/widgets/components/widgets-page.tsx').then((module) => ({ default: module.WidgetsPage })),
)
const GuestSessionsPage = lazy(() =>
  import('../features/widgets/components/guest-sessions-page.tsx').then((module) => ({
    default: module.GuestSessionsPage,
  })),
)
const FlagsPage = lazy(() =>
  import('../features/admin/components/flags-page.tsx').then((module) => ({ default: module.FlagsPage })),
)
const NotificationsPage = lazy(() =>
  import('../features/notifications/components/notifications-page.tsx').then((module) => ({
    default: module.NotificationsPage,
  })),
)

const ModelsPage = lazy(() =>
  import('../features/models/components/models-page.tsx').then((module) => ({ default: module.ModelsPage })),
)

/** Screens that change the server itself (models, downloads) are for admins only, as their API is. */
const ADMIN_ONLY: readonly Role[] = ['admin']

function OperatorScreen({ children, roles = OPERATOR_ROLES }: { children: ReactNode; roles?: readonly Role[] }) {
  return (
    <RequireRole roles={roles}>
      <Suspense
        fallback={
          <p className="splash" role="status">
            Loading…
          </p>
        }
      >
        {children}
      </Suspense>
    </RequireRole>
  )
}

function UsersScreen() {
  return <UsersPage canEdit={useIsAdmin()} />
}

function WidgetsScreen() {
  return <WidgetsPage canEdit={useIsAdmin()} />
}

function GuestSessionsScreen() {
  return <GuestSessionsPage canEdit={useIsAdmin()} />
}

export const operatorRoutes = [
  {
    path: 'admin/analytics',
    element: (
      <OperatorScreen>
        <DashboardPage />
      </OperatorScreen>
    ),
  },
  {
    path: 'admin/users',
    element: (
      <OperatorScreen>
        <UsersScreen />
      </OperatorScreen>
    ),
  },
  {
    path: 'admin/widgets',
    element: (
      <OperatorScreen>
        <WidgetsScreen />
      </OperatorScreen>
    ),
  },
  {
    path: 'admin/guest-sessions',
    element: (
      <OperatorScreen>
        <GuestSessionsScreen />
      </OperatorScreen>
    ),
  },
  {
    path: 'admin/flags',
    element: (
      <OperatorScreen>
        <FlagsPage />
      </OperatorScreen>
    ),
  },
  {
    path: 'admin/models',
    element: (
      <OperatorScreen roles={ADMIN_ONLY}>
        <ModelsPage />
      </OperatorScreen>
    ),
  },
  {
    path: 'admin/notifications',
    element: (
      <OperatorScreen>
        <NotificationsPage />
      </OperatorScreen>
    ),
  },
]
