import { lazy } from 'react'

/** The Markdown renderer, loaded on first use: its stack (micromark, GFM) is a third of the bundle. */
export const LazyMarkdown = lazy(() => import('./markdown.tsx').then((module) => ({ default: module.Markdown })))
