import { type ReactNode, useEffect, useState } from 'react'
import { Outlet } from 'react-router'
import { ThemeSwitch } from '../../../components/ui/theme-switch.tsx'
import { ConnectionStatus } from './connection-status.tsx'
import { ConversationSidebar } from './conversation-sidebar.tsx'

/** Sidebar beside the conversation; on narrow screens the sidebar is a drawer opened from the top bar. */
export function ChatLayout({ sidebarFooter }: { sidebarFooter: ReactNode }) {
  const [drawerOpen, setDrawerOpen] = useState(false)
  useEffect(() => {
    if (!drawerOpen) return
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && setDrawerOpen(false)
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [drawerOpen])

  return (
    <div className={`chat-layout${drawerOpen ? ' drawer-open' : ''}`}>
      <aside id="sidebar" className="sidebar">
        <ConversationSidebar onNavigate={() => setDrawerOpen(false)} footer={sidebarFooter} />
      </aside>
      {drawerOpen && <div className="backdrop" onClick={() => setDrawerOpen(false)} aria-hidden="true" />}
      <div className="chat-main">
        <header className="topbar">
          <button
            type="button"
            className="icon-button menu-button"
            aria-label="Open conversations"
            aria-controls="sidebar"
            aria-expanded={drawerOpen}
            onClick={() => setDrawerOpen(true)}
          >
            ☰
          </button>
          <span className="brand">Parley</span>
          <ConnectionStatus />
          <ThemeSwitch />
        </header>
        <Outlet />
      </div>
    </div>
  )
}
