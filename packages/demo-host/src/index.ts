import { createServer, type Server, type Socket } from 'node:net';
import { DemoSession, type SessionSettings } from './session.js';
import { CRLF } from './text.js';

export { PROMPT } from './session.js';

/**
 * The built-in demo host: a small Telnet server with a tiny shell, so a new installation has a live
 * session to open at once. It also serves as a deterministic peer for the gateway's tests.
 */
export interface DemoHostOptions {
  /** Address to listen on; default 127.0.0.1 (the demo is for the gateway, not the network). */
  host?: string;
  /** 0 (the default) picks a free port; `DemoHost.port` tells which. */
  port?: number;
  /** Without input for this long, the host warns of an auto-logout (WILL LOGOUT). Default 5 minutes. */
  idleWarningMs?: number;
  /** After the warning, how long the client has to answer before the session ends. Default 60 s. */
  logoutGraceMs?: number;
  /** Connections beyond this many are turned away with a message. Default 100. */
  maxSessions?: number;
  /** Replaces the greeting line of the banner (may span several lines). */
  banner?: string;
  /** The banner waits at most this long for the client to finish negotiating. Default 1.5 s. */
  negotiationTimeoutMs?: number;
  /** Longest command line, in characters. Default 1024. */
  maxLineLength?: number;
  /** Told about unexpected failures inside a session (the session ends; the host runs on). */
  logger?: DemoHostLogger;
}

/** The subset of a pino logger the demo host uses. */
export interface DemoHostLogger {
  warn(details: Record<string, unknown>, message: string): void;
}

export interface DemoHost {
  /** The address it listens on, as bound (e.g. `127.0.0.1`). */
  readonly host: string;
  readonly port: number;
  /** Sessions open now. */
  readonly sessions: number;
  /** Ends every session politely, stops listening; resolves once every connection is closed. */
  close(): Promise<void>;
}

export type DemoHostErrorCode = 'GW_ERR_DEMO_HOST_OPTIONS' | 'GW_ERR_DEMO_HOST_LISTEN';

export class DemoHostError extends Error {
  readonly code: DemoHostErrorCode;

  constructor(code: DemoHostErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DemoHostError';
    this.code = code;
  }
}

export const DEMO_HOST_DEFAULTS = {
  host: '127.0.0.1',
  port: 0,
  idleWarningMs: 5 * 60_000,
  logoutGraceMs: 60_000,
  maxSessions: 100,
  negotiationTimeoutMs: 1500,
  maxLineLength: 1024,
} as const;

/** Longest timer Node accepts (about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A turned-away connection gets this long to read the message before it is reset. */
const REFUSAL_DEADLINE_MS = 1000;

function checkInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new DemoHostError(
      'GW_ERR_DEMO_HOST_OPTIONS',
      `demo host option ${name} must be a whole number from ${min} to ${max}, got ${String(value)}`,
    );
  }
  return value;
}

function resolveOptions(options: DemoHostOptions) {
  const o = { ...DEMO_HOST_DEFAULTS, ...stripUndefined(options) };
  if (typeof o.host !== 'string' || o.host.trim() === '') {
    throw new DemoHostError(
      'GW_ERR_DEMO_HOST_OPTIONS',
      'demo host option host must be a host name or address',
    );
  }
  if (options.banner !== undefined && (typeof options.banner !== 'string' || options.banner.length > 4096)) {
    throw new DemoHostError(
      'GW_ERR_DEMO_HOST_OPTIONS',
      'demo host option banner must be text of at most 4096 characters',
    );
  }
  return {
    host: o.host,
    port: checkInteger('port', o.port, 0, 65535),
    idleWarningMs: checkInteger('idleWarningMs', o.idleWarningMs, 1, MAX_TIMER_MS),
    logoutGraceMs: checkInteger('logoutGraceMs', o.logoutGraceMs, 1, MAX_TIMER_MS),
    maxSessions: checkInteger('maxSessions', o.maxSessions, 1, 100_000),
    negotiationTimeoutMs: checkInteger('negotiationTimeoutMs', o.negotiationTimeoutMs, 1, 60_000),
    maxLineLength: checkInteger('maxLineLength', o.maxLineLength, 16, 65_536),
    banner: options.banner,
    logger: options.logger,
  };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Starts the demo host. Rejects with a `DemoHostError` for bad options or when it cannot listen. */
export async function startDemoHost(options: DemoHostOptions = {}): Promise<DemoHost> {
  const config = resolveOptions(options);
  const settings: SessionSettings = {
    idleWarningMs: config.idleWarningMs,
    logoutGraceMs: config.logoutGraceMs,
    negotiationTimeoutMs: config.negotiationTimeoutMs,
    maxLineLength: config.maxLineLength,
    banner: config.banner,
    onInternalError: (error) => config.logger?.warn({ err: error }, 'demo host: a session failed'),
  };
  const sessions = new Set<DemoSession>();
  const refused = new Set<Socket>();
  let closing: Promise<void> | undefined;

  const server: Server = createServer((socket) => {
    if (closing !== undefined) {
      socket.destroy();
    } else if (sessions.size >= config.maxSessions) {
      refuse(socket, refused, config.maxSessions);
    } else {
      const session = new DemoSession(socket, settings, (ended) => sessions.delete(ended));
      sessions.add(session);
      session.start();
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new DemoHostError(
          'GW_ERR_DEMO_HOST_LISTEN',
          `demo host cannot listen on ${config.host}:${config.port}: ${error.code ?? error.message}`,
          { cause: error },
        ),
      );
    });
    server.listen({ host: config.host, port: config.port }, () => resolve());
  });
  // Errors after listening (e.g. EMFILE on accept) must not crash the gateway.
  server.on('error', (error) => config.logger?.warn({ err: error }, 'demo host: listener error'));

  const address = server.address();
  if (address === null || typeof address === 'string') {
    server.close();
    throw new DemoHostError('GW_ERR_DEMO_HOST_LISTEN', 'demo host is not listening on a TCP address');
  }

  return {
    host: address.address,
    port: address.port,
    get sessions() {
      return sessions.size;
    },
    close() {
      closing ??= (async () => {
        const listenerClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        const open = [...sessions];
        for (const session of open)
          session.shutdown(`${CRLF}[the demo host is shutting down] Goodbye.${CRLF}`);
        for (const socket of refused) socket.destroy();
        await Promise.all([listenerClosed, ...open.map((session) => session.closed)]);
      })();
      return closing;
    },
  };
}

/** Too many sessions: say so and close. */
function refuse(socket: Socket, refused: Set<Socket>, limit: number): void {
  refused.add(socket);
  const deadline = setTimeout(() => socket.destroy(), REFUSAL_DEADLINE_MS);
  socket.on('error', () => {});
  socket.on('close', () => {
    clearTimeout(deadline);
    refused.delete(socket);
  });
  // Whatever the client sends is read and dropped, so its close is seen; the host only says why it closes.
  socket.resume();
  socket.end(`demo host: all ${limit} sessions are in use; try again later${CRLF}`);
}

export * from './supdup-demo.js';
