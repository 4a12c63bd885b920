import { cleanup } from '@testing-library/react'
import { afterEach } from 'vitest'

afterEach(() => cleanup())

// jsdom has `<dialog>` without its modal methods; here they only open and close it. What a modal dialog does in a
// browser (the inert page, Escape, focus) is tested in Chromium (e2e/settings.spec.ts, e2e/keyboard.spec.ts).
HTMLDialogElement.prototype.showModal ??= function showModal(this: HTMLDialogElement) {
  this.setAttribute('open', '')
}
HTMLDialogElement.prototype.close ??= function close(this: HTMLDialogElement) {
  this.removeAttribute('open')
}

// jsdom's Blob (and so File) has no `text()`, which browsers have had since 2020; FileReader reads the same text.
Blob.prototype.text ??= function text(this: Blob) {
  return new Promise<string>((resolve, reject) => {
    const reader = new FileReader()
    reader.onload = () => resolve(String(reader.result))
    reader.onerror = () => reject(reader.error ?? new Error('FileReader failed'))
    reader.readAsText(this)
  })
}
