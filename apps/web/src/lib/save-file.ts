import type { ApiClient, RequestOptions } from './api-client.ts'

/**
 * Downloads an authenticated export and hands it to the browser as a file. A plain link cannot carry the
 * bearer token, so the answer is fetched and saved through a short-lived object URL.
 */
export async function saveExport(api: ApiClient, path: string, query: RequestOptions['query'], fallbackName: string) {
  const { blob, filename } = await api.download(path, { query })
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename ?? fallbackName
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 1_000)
}
