import type { LoggerOptions } from 'pino'
import type { Config } from '../config.ts'

/** Paths pino replaces with "[redacted]": credentials must never reach a log line. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  '*.key',
  '*.apiKey',
]

/** Query parameters whose values are removed from logged URLs. */
const SECRET_QUERY = /([?&](?:token|access_token|api_key|key)=)[^&]*/gi

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]')
}

export function loggerOptions(config: Config): LoggerOptions {
  const pretty = config.log.pretty === 'auto' ? process.stdout.isTTY : config.log.pretty
  return {
    level: config.log.level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string; ip?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        id: req.id,
        ip: req.ip,
      }),
    },
    ...(pretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:standard' } } } : {}),
  }
}
