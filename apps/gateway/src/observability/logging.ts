import { type FastifyReply, type FastifyRequest, LogController } from 'fastify';
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

/** Query parameter names whose values are credentials. */
const SECRET_PARAM = /token|secret|password|jwt/;

/**
 * Whether a query key, as written in a URL, names a credential. Keys are decoded as the query parser
 * decodes them (`%74oken` is `token`), several times over, so no spelling gets a token past the check.
 */
function isSecretParam(key: string): boolean {
  let text = key.replace(/\+/g, ' ');
  for (let round = 0; round < 4; round++) {
    if (SECRET_PARAM.test(text.toLowerCase())) return true;
    const decoded = text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
    if (decoded === text) return false;
    text = decoded;
  }
  return true;
}

/** A URL with the value of any credential query parameter (`token`, however encoded) replaced. */
export function redactUrl(url: string): string {
  const query = url.indexOf('?');
  if (query === -1) return url;
  const hash = url.indexOf('#', query);
  const end = hash === -1 ? url.length : hash;
  const params = url
    .slice(query + 1, end)
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      if (eq === -1) return part;
      const key = part.slice(0, eq);
      return isSecretParam(key) ? `${key}=[redacted]` : part;
    });
  return `${url.slice(0, query + 1)}${params.join('&')}${url.slice(end)}`;
}

/** The path of a URL, without its query: what a log line may carry about a URL it does not redact. */
export function pathOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
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

/**
 * Fastify's own request log lines, made useful to an operator: a line per request (page, asset, API
 * call) only at debug level, and a 404 logged by path alone, never with its query string.
 */
export class GatewayLogController extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, 'incoming request');
  }

  override requestCompleted(
    error: Error | null | undefined,
    _request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    if (error) {
      reply.log.error({ res: reply, err: error, responseTime: reply.elapsedTime }, 'request errored');
    } else {
      reply.log.debug({ res: reply, responseTime: reply.elapsedTime }, 'request completed');
    }
  }

  override routeNotFound(request: FastifyRequest): void {
    request.log.debug({ method: request.method, path: pathOf(request.url) }, 'no such route');
  }
}
