import { CopyButton } from '../../../components/ui/copy-button.tsx'

/** The two ways to put a widget on a page: a bubble, or the chat rendered into an element of the page. */
function snippets(widgetId: string, origin = window.location.origin) {
  const src = `${origin}/widget.js`
  return {
    bubble: `<script src="${src}" data-widget="${widgetId}" async></script>`,
    inline: `<div id="parley-chat" style="height: 560px"></div>\n<script src="${src}" data-widget="${widgetId}" data-mode="inline" data-target="#parley-chat" async></script>`,
  }
}

export function Snippet({ widgetId }: { widgetId: string }) {
  const code = snippets(widgetId)
  return (
    <div className="widget-snippets">
      {(['bubble', 'inline'] as const).map((mode) => (
        <div key={mode} className="widget-snippet">
          <div className="panel-header">
            <h3>{mode === 'bubble' ? 'Bubble snippet' : 'Inline snippet'}</h3>
            <CopyButton text={() => code[mode]} label={`Copy ${mode} snippet`} />
          </div>
          <pre aria-label={`${mode === 'bubble' ? 'Bubble' : 'Inline'} snippet`}>
            <code>{code[mode]}</code>
          </pre>
        </div>
      ))}
    </div>
  )
}
