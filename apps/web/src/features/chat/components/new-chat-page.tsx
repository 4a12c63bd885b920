import { useState } from 'react'
import { useNavigate } from 'react-router'
import { useCreateConversation } from '../api/chat-api.ts'
import { Composer } from './composer.tsx'
import { DemoModelNotice } from './demo-model-notice.tsx'
import { ModelPicker } from './model-picker.tsx'
import { TemporaryChatToggle } from './temporary-chat-toggle.tsx'
import { readLastModel, saveLastModel } from '../model/last-model.ts'

/** State handed to the conversation page, which sends the first message once it is subscribed. */
export interface FirstMessage {
  firstMessage: { content: string; model: string | undefined }
}

export function NewChatPage({ isAdmin = false }: { isAdmin?: boolean }) {
  const [model, setModel] = useState<string | undefined>(readLastModel)
  // Not saved like the model: every new chat starts as a kept one, so a forgotten switch never loses a chat.
  const [temporary, setTemporary] = useState(false)
  const create = useCreateConversation()
  const navigate = useNavigate()

  function start(content: string) {
    // Only what was chosen is sent: a kept chat's request stays what it was before temporary chats.
    const body = { ...(model ? { model } : {}), ...(temporary ? { temporary } : {}) }
    create.mutate(body, {
      onSuccess: (conversation) => {
        const state: FirstMessage = { firstMessage: { content, model } }
        void navigate(`/c/${conversation.id}`, { state })
      },
    })
  }

  return (
    <main className="conversation new-chat-page">
      <div className="conversation-header">
        <h1>New chat</h1>
        <ModelPicker value={model} onChange={(next) => (setModel(next), saveLastModel(next))} />
      </div>
      <DemoModelNotice isAdmin={isAdmin} />
      <div className="empty-state">
        <p>Ask anything. Replies stream in as they are written.</p>
        <TemporaryChatToggle checked={temporary} onChange={setTemporary} />
        {create.isError && (
          <p role="alert" className="form-error">
            Could not start the conversation. Try again.
          </p>
        )}
      </div>
      <Composer onSend={start} autoFocus />
    </main>
  )
}
