import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from '../config/types.js';

/**
 * Fields that never reach a log line. Credentials, and `data`/`input`, the names under which terminal
 * traffic would travel: what people type (passwords included) is never logged, so a slip elsewhere
 * is caught here too.
 */
export const REDACTED_PATHS = [
  'token',
  '*.token',
  'hs256Secret',
  '*.hs256Secret',
  'security.auth.hs256Secret',
  'password',
  '*.password',
  'data',
  '*.data',
  'input',
  '*.input',
  'req.headers.authorization',
  'req.headers.cookie',
];

/** A URL with the value of any `token` query parameter replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

interface LoggableRequest {
  readonly method?: string;
  readonly url?: string;
  readonly ip?: string;
  readonly headers?: Record<string, string | string[] | undefined>;
}

/** How an HTTP request appears in logs: no headers, and the URL without its token. */
function serializeRequest(request: LoggableRequest) {
  return {
    method: request.method,
    url: request.url === undefined ? undefined : redactUrl(request.url),
    remoteAddress: request.ip,
    origin: request.headers?.origin,
  };
}

/**
 * The gateway's logger: JSON lines (pino) on stdout unless another destination is given. Session logs
 * carry `sessionId`, `target`, `user` and `clientIp` fields (see SessionContext.log).
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      serializers: { req: serializeRequest, err: pino.stdSerializers.err },
    },
    destination,
  );
}
