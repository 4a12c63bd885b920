export const PANEL_CSS = `
.panel { display: flex; flex-direction: column; background: var(--bg); color: var(--fg); overflow: hidden; }
.panel.floating { position: fixed; bottom: 20px; z-index: 2147483000; width: 380px; height: min(600px, calc(100vh - 40px));
  border: 1px solid var(--line); border-radius: 14px; box-shadow: 0 12px 32px rgba(0,0,0,.3); }
.panel.floating.right { right: 20px; } .panel.floating.left { left: 20px; }
.panel.inline { width: 100%; height: 100%; min-height: 320px; border: 1px solid var(--line); border-radius: 10px; }
@media (max-width: 480px) {
  .panel.floating { inset: 0; width: 100%; height: 100%; border-radius: 0; border: 0; }
}
.head { display: flex; align-items: center; justify-content: space-between; gap: 8px; padding: 12px 14px;
  background: var(--accent); color: var(--on-accent); }
.head h2 { margin: 0; font-size: 16px; font-weight: 600; color: var(--on-accent); }
.icon { border: 0; background: transparent; color: var(--on-accent); font-size: 22px; line-height: 1; width: 36px; height: 36px;
  border-radius: 8px; cursor: pointer; }
.log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px; }
.msg { max-width: 85%; padding: 8px 12px; border-radius: 12px; overflow-wrap: anywhere; }
.msg p, .msg ul, .msg ol, .msg pre, .msg blockquote { margin: 0 0 6px; } .msg > :last-child { margin-bottom: 0; }
.msg ul, .msg ol { padding-left: 20px; } .msg pre { overflow-x: auto; padding: 8px; border-radius: 6px; background: var(--bg); }
.msg code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
.msg blockquote { padding-left: 10px; border-left: 3px solid var(--line); }
.msg a { color: inherit; text-decoration: underline; }
.msg .ending { margin-top: 6px; font-size: 13px; font-style: italic; color: var(--muted); }
.user { align-self: flex-end; background: var(--accent); color: var(--on-accent); }
.bot { align-self: flex-start; background: var(--soft); color: var(--fg); }
.notice { margin: 0 14px 10px; padding: 10px 12px; border-radius: 8px; background: var(--danger-bg); color: var(--danger);
  display: flex; gap: 10px; align-items: center; justify-content: space-between; }
.notice[hidden] { display: none; }
.notice button, .form button { border: 0; border-radius: 8px; padding: 8px 14px; background: var(--accent); color: var(--on-accent);
  font-weight: 600; cursor: pointer; }
.form { display: flex; gap: 8px; padding: 10px 14px 14px; border-top: 1px solid var(--line); align-items: flex-end; }
.form[hidden] { display: none; }
.form label.field { flex: 1; display: flex; flex-direction: column; gap: 4px; font-size: 13px; color: var(--muted); }
.form input, .form textarea { width: 100%; padding: 8px 10px; border: 1px solid var(--line); border-radius: 8px;
  background: var(--bg); color: var(--fg); font-size: 15px; resize: none; }
.form button:disabled { opacity: .6; cursor: default; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`
