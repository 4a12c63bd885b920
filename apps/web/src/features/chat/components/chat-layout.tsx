import { type ReactNode, useEffect, useRef, useState } from 'react'
import { Outlet, useLocation, useNavigate } from 'react-router'
import { ThemeSwitch } from '../../../components/ui/theme-switch.tsx'
import { useFocusWrap } from '../../../lib/use-focus-wrap.ts'
import { useMediaQuery } from '../../../lib/use-media-query.ts'
import { useConversationListSync } from '../hooks/use-conversation-list-sync.ts'
import { useLayoutShortcuts } from '../hooks/use-layout-shortcuts.ts'
import type { ShortcutAction } from '../model/shortcuts.ts'
import { ConnectionStatus } from './connection-status.tsx'
import { ConversationSidebar } from './conversation-sidebar.tsx'
import { ShortcutsDialog } from './shortcuts-dialog.tsx'

/** Matches the CSS breakpoint where the sidebar becomes a drawer. */
const NARROW = '(max-width: 768px)'

const byId = (id: string) => document.getElementById(id)

/** Moves focus to the page's main region (made focusable for it), for the skip link. */
function focusMain() {
  const main = document.querySelector<HTMLElement>('.chat-main main')
  if (!main) return
  if (!main.hasAttribute('tabindex')) main.tabIndex = -1
  main.focus()
}

/**
 * Sidebar beside the conversation; on narrow screens the sidebar is a modal drawer opened from the top bar: focus
 * moves into it, the page behind is inert (so Tab stays in the drawer), and closing it returns focus to the menu
 * button. A skip link leads past the sidebar, and the shortcuts of `model/shortcuts.ts` work everywhere.
 */
export function ChatLayout({ sidebarFooter }: { sidebarFooter: ReactNode }) {
  const narrow = useMediaQuery(NARROW)
  const [drawerOpen, setDrawerOpen] = useState(false)
  const [helpOpen, setHelpOpen] = useState(false)
  const drawer = drawerOpen && narrow
  const menuButton = useRef<HTMLButtonElement>(null)
  const sidebar = useRef<HTMLElement>(null)
  const focusOnOpen = useRef<'first' | 'search'>('first')
  const returnFocus = useRef(false)
  const navigate = useNavigate()
  const { pathname } = useLocation()
  useConversationListSync()

  function openDrawer(focus: 'first' | 'search' = 'first') {
    focusOnOpen.current = focus
    setDrawerOpen(true)
  }
  function closeDrawer(giveFocusBack: boolean) {
    returnFocus.current = giveFocusBack
    setDrawerOpen(false)
  }

  // Focus moves once the drawer (or, on closing, the page) is no longer hidden or inert.
  useEffect(() => {
    if (drawer) {
      const target =
        focusOnOpen.current === 'search'
          ? byId('conversation-search')
          : sidebar.current?.querySelector<HTMLElement>('a[href], button, input')
      target?.focus()
    } else if (returnFocus.current) {
      returnFocus.current = false
      menuButton.current?.focus()
    }
  }, [drawer])

  useEffect(() => {
    if (!drawer) return
    const onKey = (event: KeyboardEvent) => event.key === 'Escape' && closeDrawer(true)
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [drawer])

  function run(action: ShortcutAction) {
    if (action === 'help') return setHelpOpen(true)
    if (action === 'search') return narrow ? openDrawer('search') : byId('conversation-search')?.focus()
    closeDrawer(false)
    // On the new-chat page already, the box is there to focus; elsewhere the new-chat page focuses it as it opens.
    if (action === 'new-chat' && pathname !== '/') return void navigate('/')
    byId('composer')?.focus()
  }
  useLayoutShortcuts(run, !helpOpen)
  useFocusWrap(sidebar, drawer)

  return (
    <div className={`chat-layout${drawer ? ' drawer-open' : ''}`}>
      <a
        href="#main-content"
        inert={drawer}
        className="skip-link"
        onClick={(event) => {
          event.preventDefault()
          focusMain()
        }}
      >
        Skip to content
      </a>
      <aside ref={sidebar} id="sidebar" className="sidebar">
        <ConversationSidebar onNavigate={() => closeDrawer(false)} footer={sidebarFooter} />
      </aside>
      {drawer && <div className="backdrop" onClick={() => closeDrawer(true)} aria-hidden="true" />}
      <div className="chat-main" inert={drawer}>
        <header className="topbar">
          <button
            ref={menuButton}
            type="button"
            className="icon-button menu-button"
            aria-label="Open conversations"
            aria-controls="sidebar"
            aria-expanded={drawer}
            onClick={() => openDrawer()}
          >
            ☰
          </button>
          <span className="brand">Parley</span>
          <ConnectionStatus />
          <ThemeSwitch />
          <button
            type="button"
            className="icon-button help-button"
            aria-label="Keyboard shortcuts"
            aria-keyshortcuts="Control+/"
            onClick={() => setHelpOpen(true)}
          >
            ?
          </button>
        </header>
        <Outlet />
      </div>
      {helpOpen && <ShortcutsDialog onClose={() => setHelpOpen(false)} />}
    </div>
  )
}
