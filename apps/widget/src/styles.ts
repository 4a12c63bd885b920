/**
 * The widget's look. It lives in a shadow root, so the page's selectors never reach it; `all: initial` on the
 * root stops the page's inherited properties (colour, font) at the boundary, and `!important` on `:host` wins
 * over the page's own `!important` rules for the host element (inner context wins for important rules).
 */
export const BASE_CSS = `
:host { all: initial !important; display: block !important; position: static !important; }
.root { all: initial; display: block; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); --fg: #111827; --muted: #4b5563; --bg: #ffffff; --soft: #f3f4f6; --line: #d1d5db;
  --danger: #991b1b; --danger-bg: #fef2f2; --on-accent: #ffffff; }
@media (prefers-color-scheme: dark) {
  .root { --fg: #f3f4f6; --muted: #d1d5db; --bg: #111827; --soft: #1f2937; --line: #374151;
    --danger: #fecaca; --danger-bg: #450a0a; }
}
.root *, .root *::before, .root *::after { box-sizing: border-box; font: inherit; color: inherit; }
.launcher { position: fixed; bottom: 20px; z-index: 2147483000; display: inline-flex; align-items: center; gap: 8px;
  min-height: 48px; padding: 0 18px; border: 0; border-radius: 24px; background: var(--accent); color: var(--on-accent);
  font-weight: 600; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); transition: transform .15s ease; }
.launcher[hidden] { display: none; }
.launcher:hover { transform: translateY(-1px); }
.launcher:focus-visible, .root button:focus-visible, .root textarea:focus-visible, .root input:focus-visible,
.root a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.right { right: 20px; } .left { left: 20px; }
@media (prefers-reduced-motion: reduce) { .root * { transition: none !important; animation: none !important; } }
`
