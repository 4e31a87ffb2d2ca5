import { randomUUID } from 'node:crypto';
import {
  closeCodeFor,
  decodeClientFrame,
  encodeServerFrame,
  errorForCloseCode,
  type GatewayErrorCode,
  normalizeOrigin,
  SUBPROTOCOL_V2,
} from '@telgate/protocol';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type RawData, WebSocket } from 'ws';
import { ANY_TARGET, type TokenVerifier } from '../auth/token.js';
import type { ClusterServices } from '../cluster/services.js';
import type { GatewayConfig } from '../config/types.js';
import { asGatewayError, GatewayError } from '../errors.js';
import { isOriginAllowed } from '../http/origin.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { type AuditLog, NO_AUDIT } from '../recording/audit.js';
import { SessionJournal } from '../recording/journal.js';
import { isRecorded, type RecordingStore } from '../recording/store.js';
import {
  type LookupAll,
  LookupLimiter,
  planTarget,
  resolveAndCheck,
  type TargetRequest,
} from '../targets/policy.js';
import { startHeartbeat } from './heartbeat.js';
import { clientKey, type SessionRegistry } from './registry.js';
import type { QueuedMessage, ResumableSessions } from './resumable.js';
import {
  endingReason,
  type SessionContext,
  type SessionEnding,
  type SessionHandler,
  SHUTDOWN_REASON,
} from './session.js';

export const GATEWAY_PATH = '/ws';

export interface GatewayRouteOptions {
  readonly config: GatewayConfig;
  readonly sessions: SessionRegistry;
  readonly metrics: GatewayMetrics;
  readonly verifier: TokenVerifier;
  readonly lookup: LookupAll;
  readonly onSession: SessionHandler;
  readonly resumable: ResumableSessions;
  /** Where session events are recorded; none by default. */
  readonly audit?: AuditLog;
  /** Where the sessions of recorded targets are recorded; none when nothing is recorded. */
  readonly recordings?: RecordingStore | undefined;
  /** Each session's journal, until its `ended` record is written (so that closing can wait for them). */
  readonly journalsEnding?: Set<Promise<void>>;
  readonly cluster: ClusterServices;
}

interface SessionQuery extends TargetRequest {
  readonly token?: string | undefined;
  /** The gateway a resume is meant for (STATE's `resume.gateway`), which the proxy routes by. */
  readonly gw?: string | undefined;
  /** The id of a live session to watch read-only (a token with the `watch` grant). */
  readonly watch?: string | undefined;
}

/** The `gw` parameter of a request's query, if it has exactly one. */
function gatewayParameter(query: unknown): string | undefined {
  const value = ((query ?? {}) as Record<string, unknown>).gw;
  return typeof value === 'string' ? value : undefined;
}

/**
 * The parameters of `/ws?target=ID&token=JWT` or `/ws?host=H&port=P&token=JWT`, either with an optional
 * `charset=NAME`, and the refusal each gets when it is not one string (given more than once).
 */
const QUERY_PARAMETERS = {
  target: 'GW_ERR_UNKNOWN_TARGET',
  host: 'GW_ERR_UNKNOWN_TARGET',
  port: 'GW_ERR_UNKNOWN_TARGET',
  charset: 'GW_ERR_BAD_CHARSET',
  token: 'GW_ERR_AUTH_FAILED',
  gw: 'GW_ERR_RESUME_FAILED',
  watch: 'GW_ERR_WATCH_REFUSED',
} as const satisfies Record<keyof SessionQuery, GatewayErrorCode>;

/** The route's querystring schema: each parameter at most once. Other parameters are ignored. */
const sessionQuerySchema = {
  type: 'object',
  properties: Object.fromEntries(Object.keys(QUERY_PARAMETERS).map((name) => [name, { type: 'string' }])),
} as const;

/**
 * The query as the route's schema validated it. The refusal must reach the page as a close code, so the
 * route attaches the validation error instead of answering 400, and it becomes a GatewayError here.
 */
function validQuery(request: FastifyRequest<{ Querystring: SessionQuery }>): SessionQuery {
  const failure = request.validationError?.validation[0];
  if (request.validationError === undefined) return request.query ?? {};
  const name = failure?.instancePath.replace(/^\//, '') ?? '';
  const code = QUERY_PARAMETERS[name as keyof SessionQuery] ?? 'GW_ERR_UNKNOWN_TARGET';
  throw new GatewayError(code, `the "${name}" parameter is given more than once`);
}

/**
 * The STATE closed frame the page reads the error from (protocol.md: a refusal is a STATE closed frame,
 * then the close code). The detail stays in the logs: it may name hosts and addresses.
 */
function sendClosedState(
  socket: WebSocket,
  sessionId: string,
  code: GatewayErrorCode,
  reason?: string,
): void {
  if (socket.readyState !== WebSocket.OPEN) return;
  socket.send(
    encodeServerFrame({ type: 'state', state: 'closed', code, ...(reason ? { reason } : {}), sessionId }),
  );
}

/**
 * Holds a socket's messages back until a handler takes them: the socket is read until its first message
 * (telgate.v2 decides by it whether the socket resumes a session or starts one), then paused again.
 */
class HeldMessages {
  readonly queued: QueuedMessage[] = [];
  private wake: (() => void) | undefined;
  private readonly onMessage = (data: RawData, isBinary: boolean): void => {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    this.queued.push({ data: bytes, isBinary });
    this.socket.pause();
    this.wake?.();
  };
  private readonly onClose = (): void => this.wake?.();

  constructor(private readonly socket: WebSocket) {
    socket.on('message', this.onMessage);
    socket.once('close', this.onClose);
  }

  /** Reads until the first message arrives, the socket closes, or `timeoutMs` passes. */
  async first(timeoutMs: number): Promise<void> {
    if (this.queued.length > 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wake?.(), timeoutMs);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      this.socket.resume();
    });
    this.socket.pause();
  }

  /** Stops holding: the messages held so far, in order, for the handler to handle first. */
  release(): QueuedMessage[] {
    this.socket.off('message', this.onMessage);
    this.socket.off('close', this.onClose);
    return this.queued.splice(0);
  }
}

/** The credential of a RESUME frame, if `message` is one. */
function resumeCredential(message: QueuedMessage | undefined): string | undefined {
  if (!message?.isBinary) return undefined;
  const result = decodeClientFrame(message.data, SUBPROTOCOL_V2);
  return result.ok && result.frame.type === 'resume' ? result.frame.credential : undefined;
}

/**
 * GET /ws: the WebSocket a terminal page opens. In order:
 * 1. Origin (before the upgrade): a foreign page gets HTTP 403 and no WebSocket at all.
 * 2. After the upgrade, each refusal closes the socket with its GW_ERR_… close code (the reason is
 *    the code's name), so the page can tell the user what happened: connection attempts per client
 *    (OVERLOADED), the target (UNKNOWN_TARGET / TARGET_DENIED), the token (AUTH_FAILED), session
 *    limits (OVERLOADED), DNS and the address policy (DNS_FAILURE / TARGET_DENIED).
 * 3. The connection goes to `onSession` with a SessionContext.
 */
export const gatewayRoute: FastifyPluginAsync<GatewayRouteOptions> = async (app, options) => {
  const { config, sessions, metrics, verifier, lookup, onSession, resumable, recordings, cluster } = options;
  const audit = options.audit ?? NO_AUDIT;
  const { limits } = config;
  const lookups = new LookupLimiter(limits.maxConcurrentLookups);
  const checkAttempts = app.createRateLimit({
    max: limits.connectAttemptsPerMinutePerIp,
    timeWindow: 60_000,
    keyGenerator: (request) => clientKey(request.ip ?? 'unknown'),
  });

  function checkOrigin(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const allowed = isOriginAllowed({
      origin: request.headers.origin,
      host: request.headers.host,
      allowedOrigins: config.security.allowedOrigins,
    });
    if (allowed && cluster.drain.draining && cluster.gatewayId !== undefined) {
      // Draining among several gateways: only resumes of this gateway's own sessions come in; anything
      // else gets 503 before the upgrade, which the proxy answers by trying another gateway.
      if (gatewayParameter(request.query) !== cluster.gatewayId) {
        metrics.refusals.inc({ reason: 'draining' });
        reply
          .code(503)
          .header('retry-after', '1')
          .send({ error: 'This gateway is draining: it takes no new sessions.' });
        return;
      }
    }
    if (allowed) {
      done();
      return;
    }
    metrics.refusals.inc({ reason: 'origin' });
    request.log.warn({ origin: request.headers.origin }, 'WebSocket from a foreign origin refused');
    reply.code(403).send({ error: 'This page may not open terminal sessions on this gateway.' });
  }

  async function startSession(
    socket: WebSocket,
    request: FastifyRequest<{ Querystring: SessionQuery }>,
  ): Promise<void> {
    // Hold client messages back until the session handler has attached its listeners.
    socket.pause();
    const sessionId = randomUUID();
    // Only a socket that is already gone has no remote address.
    const clientIp = request.ip ?? 'unknown';
    let log = request.log.child({ sessionId, clientIp });
    let handedOver = false;
    let held: HeldMessages | undefined;
    try {
      const attempts = await checkAttempts(request);
      // `isAllowed` only means "on the allow-list"; the count is in `isExceeded`.
      if (!attempts.isAllowed && attempts.isExceeded) {
        throw new GatewayError(
          'GW_ERR_OVERLOADED',
          `more than ${limits.connectAttemptsPerMinutePerIp} connection attempts a minute from ${attempts.key}`,
        );
      }
      const query = validQuery(request);
      if (query.watch !== undefined) {
        await startWatching(socket, query, clientIp, log);
        return;
      }
      const plan = planTarget(config, query);
      const { user, login: tokenLogin } = await verifier.verify(query.token, plan.target.id);
      log = log.child({ target: plan.target.id, ...(user !== undefined && { user }) });
      // Credentials in a token are used only by targets configured to take them.
      const login = tokenLogin && plan.target.autoLogin?.fromToken ? tokenLogin : undefined;
      if (tokenLogin && !login) {
        log.warn('the token carries sign-in credentials, but this target does not take them from tokens');
      }

      if (socket.readyState !== WebSocket.OPEN) return;
      const origin =
        request.headers.origin === undefined ? undefined : normalizeOrigin(request.headers.origin);
      // telgate.v2: a socket whose first frame is RESUME takes over an existing session.
      held = new HeldMessages(socket);
      if (socket.protocol === SUBPROTOCOL_V2) {
        await held.first(limits.handshakeTimeoutMs);
        if (socket.readyState !== WebSocket.OPEN) return;
        const credential = resumeCredential(held.queued[0]);
        if (credential !== undefined) {
          const session = resumable.find(credential);
          const { binding } = session ?? {};
          const elsewhere =
            query.gw !== undefined && cluster.gatewayId !== undefined && query.gw !== cluster.gatewayId;
          const refusal =
            session === undefined && elsewhere
              ? `the gateway holding the session (${query.gw}) is gone, and the session with it`
              : session === undefined || binding === undefined
                ? 'no session has this credential (it ended, or the credential was replaced)'
                : binding.targetId !== plan.target.id
                  ? 'the session is for another target'
                  : binding.user !== user
                    ? 'the session belongs to another user'
                    : binding.origin !== origin
                      ? 'the session was opened from another origin'
                      : undefined;
          if (refusal !== undefined || session === undefined) {
            metrics.resumes.inc({ outcome: 'refused' });
            throw new GatewayError('GW_ERR_RESUME_FAILED', refusal ?? 'no session', {
              tellUser: elsewhere,
            });
          }
          log.debug({ resumedSessionId: session.sessionId }, 'socket resumes a session');
          const queued = held.release().slice(1);
          session.attach(socket, queued, clientIp);
          startHeartbeat(socket, limits.heartbeatIntervalMs);
          return;
        }
      }
      const shutdown = new AbortController();
      let outlivesSocket = false;
      let endedOnce = false;
      let journal: SessionJournal | undefined;
      const endSession = (closeCode: number | undefined): void => {
        if (endedOnce) return;
        endedOnce = true;
        sessions.unregister(sessionId);
        ended.abort();
        if (!handedOver) return;
        const { outcome, detail, bytesFromHost, bytesToHost, extra } = ending ?? {
          outcome: closeCode === undefined ? 'closed' : (errorForCloseCode(closeCode)?.code ?? 'closed'),
          bytesFromHost: 0,
          bytesToHost: 0,
        };
        log.info(
          {
            outcome,
            ...(detail !== undefined && { detail }),
            ...(closeCode !== undefined && { closeCode }),
            durationMs: Date.now() - startedAt,
            bytesFromHost,
            bytesToHost,
            ...extra,
          },
          'session ended',
        );
        if (journal) {
          const writing = journal
            .ended({ outcome, closeCode, bytesFromHost, bytesToHost })
            .catch((err: unknown) => log.error({ err }, 'the audit record of a session could not be written'))
            .finally(() => options.journalsEnding?.delete(writing));
          options.journalsEnding?.add(writing);
        }
      };
      sessions.register({
        sessionId,
        clientIp,
        targetId: plan.target.id,
        user,
        shutDown: () => {
          // The handler ends its session itself; a socket still open (no handler yet, or one that does
          // not watch the signal) is ended here the same way.
          shutdown.abort();
          if (socket.readyState !== WebSocket.OPEN) return;
          if (handedOver && ending === undefined) {
            metrics.sessionCloses.inc({ reason: endingReason('GW_ERR_SHUTDOWN') });
            ending = { outcome: endingReason('GW_ERR_SHUTDOWN'), bytesFromHost: 0, bytesToHost: 0 };
          }
          socket.resume();
          socket.send(
            encodeServerFrame({
              type: 'state',
              state: 'closed',
              code: 'GW_ERR_SHUTDOWN',
              reason: SHUTDOWN_REASON,
              sessionId,
            }),
          );
          socket.close(closeCodeFor('GW_ERR_SHUTDOWN'), 'GW_ERR_SHUTDOWN');
        },
        terminate: () => socket.terminate(),
      });
      const ended = new AbortController();
      let ending: SessionEnding | undefined;
      let startedAt = Date.now();
      socket.once('close', (code: number) => {
        if (outlivesSocket) return;
        if (!handedOver) {
          endSession(code);
          return;
        }
        // After every other close listener: the handler reports its ending from its own.
        queueMicrotask(() => {
          if (!outlivesSocket) endSession(code);
        });
      });

      // Limits shared with the other gateways (Redis), after this gateway's own.
      const admission = await cluster.shared?.admit(
        { sessionId, clientKey: clientKey(clientIp), targetId: plan.target.id, user },
        limits,
      );
      if (admission === 'local') log.debug('admitted under this gateway’s limits only');
      if (socket.readyState !== WebSocket.OPEN) {
        endSession(undefined);
        return;
      }

      const address = await resolveAndCheck(plan, {
        lookup,
        timeoutMs: limits.dialTimeoutMs,
        limiter: lookups,
      }).catch((error) => {
        if (error instanceof GatewayError && error.code === 'GW_ERR_DNS_FAILURE') {
          metrics.connectErrors.inc({ code: error.code });
        }
        throw error;
      });
      if (socket.readyState !== WebSocket.OPEN) {
        log.info('client left before its session started');
        return;
      }

      const freeForm = plan.allow !== undefined;
      const startedDate = new Date();
      const recorded = recordings !== undefined && isRecorded(recordings.config, plan.target.id);
      const subject = {
        sessionId,
        user: user ?? 'anonymous',
        clientIp,
        target: plan.target.id,
        host: address.address,
        port: address.port,
        startedAt: startedDate,
      };
      journal = new SessionJournal(
        subject,
        audit,
        recorded
          ? recordings.begin({
              ...subject,
              targetLabel: plan.target.label,
              term: plan.target.terminalTypes[0] ?? 'xterm-256color',
              size: { cols: 80, rows: 24 },
            })
          : undefined,
        recorded ? recordings : undefined,
        recorded && recordings.config.input,
      );
      const context: SessionContext = {
        sessionId,
        target: plan.target,
        freeForm,
        address,
        user,
        ...(login && { login }),
        clientIp,
        origin,
        log,
        limits,
        metrics,
        signal: ended.signal,
        shutdown: shutdown.signal,
        reportEnding: (report) => {
          ending ??= report;
        },
        resumable,
        outliveSocket: () => {
          outlivesSocket = true;
        },
        ended: (closeCode) => endSession(closeCode),
        journal,
        ...(cluster.gatewayId !== undefined && { gatewayId: cluster.gatewayId }),
        gatewayNotices: cluster.drain,
        watch: config.watch,
      };
      metrics.sessionsStarted.inc({ kind: freeForm ? 'free-form' : 'configured' });
      startedAt = Date.now();
      log.info({ address: address.address, port: address.port }, 'session started');
      journal.opened();
      handedOver = true;
      let running: void | Promise<void>;
      const queued = held.release();
      try {
        running = onSession(socket, context);
        // Messages read while deciding between a new session and a resumed one come first, in order.
        for (const message of queued) socket.emit('message', message.data, message.isBinary);
      } finally {
        socket.resume();
      }
      startHeartbeat(socket, limits.heartbeatIntervalMs);
      await running;
    } catch (thrown) {
      const error = asGatewayError(thrown);
      sessions.unregister(sessionId);
      if (handedOver) {
        log.error({ err: thrown }, 'session handler failed');
        metrics.sessionCloses.inc({ reason: 'GW_ERR_INTERNAL' });
        sendClosedState(socket, sessionId, 'GW_ERR_INTERNAL');
        socket.close(closeCodeFor('GW_ERR_INTERNAL'), 'GW_ERR_INTERNAL');
        return;
      }
      metrics.refusals.inc({ reason: error.code });
      if (error.code === 'GW_ERR_INTERNAL') log.error({ err: thrown }, 'connection failed');
      else log.info({ code: error.code, detail: error.message }, 'connection refused');
      held?.release();
      // A paused socket would never read the browser's close reply.
      socket.resume();
      // A charset name is the user's own words, safe to say back (and the only way to tell which).
      sendClosedState(
        socket,
        sessionId,
        error.code,
        error.code === 'GW_ERR_BAD_CHARSET' || error.tellUser ? error.message : undefined,
      );
      socket.close(error.closeCode, error.code);
    }
  }

  /**
   * `/ws?watch=<sessionId>&token=…`: a read-only observer of a live session of this gateway. Needs token
   * auth, a token with the `watch` grant whose target is the session's (or `*`), and telgate.v2.
   * Refusals throw (GW_ERR_WATCH_REFUSED, GW_ERR_AUTH_FAILED…) and close the socket as others do.
   */
  async function startWatching(
    socket: WebSocket,
    query: SessionQuery,
    clientIp: string,
    log: FastifyRequest['log'],
  ): Promise<void> {
    if (config.security.auth.mode !== 'token') {
      throw new GatewayError('GW_ERR_WATCH_REFUSED', 'watching needs security.auth.mode "token"');
    }
    const grant = await verifier.authenticate(query.token);
    if (!grant?.grants.includes('watch')) {
      throw new GatewayError('GW_ERR_WATCH_REFUSED', 'the token has no "watch" grant');
    }
    if (socket.protocol !== SUBPROTOCOL_V2) {
      throw new GatewayError('GW_ERR_WATCH_REFUSED', `watching needs the ${SUBPROTOCOL_V2} subprotocol`);
    }
    const session = query.watch === undefined ? undefined : resumable.byId(query.watch);
    if (session?.watch === undefined) {
      throw new GatewayError('GW_ERR_WATCH_REFUSED', 'no session of this gateway has this id');
    }
    if (grant.target !== ANY_TARGET && grant.target !== session.binding.targetId) {
      throw new GatewayError(
        'GW_ERR_WATCH_REFUSED',
        `the token is for target "${grant.target}", the session for another`,
      );
    }
    if (socket.readyState !== WebSocket.OPEN) return;
    const observer = { user: grant.user ?? 'anonymous', clientIp };
    const refusal = session.watch(socket, observer);
    if (refusal) throw new GatewayError(refusal.code, refusal.detail);
    log.debug({ watchedSessionId: session.sessionId, observer: observer.user }, 'socket watches a session');
    startHeartbeat(socket, limits.heartbeatIntervalMs);
  }

  app.route<{ Querystring: SessionQuery }>({
    method: 'GET',
    url: GATEWAY_PATH,
    schema: { querystring: sessionQuerySchema },
    attachValidation: true,
    onRequest: checkOrigin,
    handler: async (_request, reply) =>
      reply
        .code(426)
        .header('upgrade', 'websocket')
        .send({ error: 'This address takes WebSocket connections.' }),
    wsHandler: startSession,
  });
};
