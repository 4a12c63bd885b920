import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
/** The server package's version, shown by `/health` and the OpenAPI document. */
export const VERSION: string = (require('../package.json') as { version: string }).version
