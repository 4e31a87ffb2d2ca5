import { createServer, type RequestListener, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import { SUBPROTOCOL, SUBPROTOCOL_V2 } from '@telgate/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { authExposureProblem } from './auth/exposure.js';
import { createTokenVerifier } from './auth/token.js';
import { Drain } from './cluster/drain.js';
import type { ClusterServices } from './cluster/services.js';
import { SharedLimits } from './cluster/shared-limits.js';
import { ConfigError } from './config/load.js';
import type { GatewayConfig } from './config/types.js';
import { adminApi } from './http/admin-api.js';
import { healthRoute } from './http/health.js';
import { addHostCheck } from './http/host-check.js';
import { recordingsApi } from './http/recordings-api.js';
import { securityHeaders } from './http/security-headers.js';
import { sessionsApi } from './http/sessions-api.js';
import { targetsApi } from './http/targets-api.js';
import { webApp } from './http/web-app.js';
import { createLogger, GatewayLogController, pathOf } from './observability/logging.js';
import { createMetrics, type GatewayMetrics, metricsRoute } from './observability/metrics.js';
import { type AuditLog, createAuditLog, NO_AUDIT } from './recording/audit.js';
import type { OpenSink } from './recording/cast-writer.js';
import { RecordingStore } from './recording/store.js';
import { gatewayRoute } from './sessions/gateway-route.js';
import { SessionRegistry } from './sessions/registry.js';
import { ResumableSessions } from './sessions/resumable.js';
import { type SessionHandler, sessionsUnavailable } from './sessions/session.js';
import { type LookupAll, systemLookup } from './targets/policy.js';

/** apps/web/dist, seen from src/ (tests, tsx) and from dist/ (the build) alike. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../web/dist', import.meta.url));

export interface AppDeps {
  /** Runs each session that passed every check; until one is given, sessions end with GW_ERR_INTERNAL. */
  readonly onSession?: SessionHandler;
  /** A pino logger; by default JSON lines on stdout at config.logging.level. */
  readonly logger?: Logger;
  /** DNS resolution for targets; the system resolver by default. */
  readonly lookup?: LookupAll;
  /** Metric objects; fresh ones (with process metrics) by default. */
  readonly metrics?: GatewayMetrics;
  /** Directory of the built web app; null serves the "not built" page. Default: DEFAULT_WEB_ROOT. */
  readonly webRoot?: string | null;
  /** The audit log; by default the one `config.audit` describes. */
  readonly audit?: AuditLog;
  /** Opens the files recordings are written to (tests: a disk that fails). */
  readonly recordingSink?: OpenSink;
  /** How long a recording may take to be written out when its session ends (5 s by default). */
  readonly recordingCloseTimeoutMs?: number;
  /**
   * Carries out POST /api/admin/drain: starts draining with sessions ended `durationMs` from now (or
   * brings a running drain's deadline forward); false when the gateway already stops. By default
   * `drainGateway`; the gateway process passes its own, which also exits once the gateway has stopped.
   */
  readonly onDrainRequest?: (app: FastifyInstance, durationMs: number) => boolean;
}

/** What the gateway's parts share, at `app.telgate`. */
export interface GatewayServices {
  readonly config: GatewayConfig;
  readonly sessions: SessionRegistry;
  readonly resumable: ResumableSessions;
  readonly metrics: GatewayMetrics;
  /** The recording directory; undefined when no target is recorded and the recordings page is off. */
  readonly recordings: RecordingStore | undefined;
  readonly audit: AuditLog;
  readonly cluster: ClusterServices;
}

declare module 'fastify' {
  interface FastifyInstance {
    telgate: GatewayServices;
  }
}

/**
 * Stops the gateway: every session ends with STATE closed and GW_ERR_SHUTDOWN (close 4016), listening
 * stops, and browsers get `limits.shutdownGraceMs` to finish their close handshakes. Sockets still open
 * then (a browser that stopped reading) are destroyed, so this ends in bounded time whatever browsers do.
 */
export function stopGateway(app: FastifyInstance): Promise<void> {
  // Stopping twice (a drain that ends while a signal already stops the gateway) is stopping once.
  let stopping = stops.get(app);
  if (!stopping) {
    stopping = stopNow(app);
    stops.set(app, stopping);
  }
  return stopping;
}

const stops = new WeakMap<FastifyInstance, Promise<void>>();

async function stopNow(app: FastifyInstance): Promise<void> {
  const { sessions, config } = app.telgate;
  const grace = setTimeout(() => {
    app.log.warn(
      { sessions: sessions.openSessions, graceMs: config.limits.shutdownGraceMs },
      'connections did not close in the shutdown grace period; destroying them',
    );
    sessions.terminateAll();
    for (const client of app.websocketServer.clients) client.terminate();
    app.server.closeAllConnections();
  }, config.limits.shutdownGraceMs);
  try {
    await app.close();
  } finally {
    clearTimeout(grace);
  }
}

/** Whether `stopGateway` has been called for `app` (a drain that ended, a signal). */
export function isStopping(app: FastifyInstance): boolean {
  return stops.has(app);
}

/** The default of `AppDeps.onDrainRequest`: drains, then stops the app (the process is left alone). */
function drainOnRequest(app: FastifyInstance, durationMs: number): boolean {
  if (isStopping(app)) return false;
  drainGateway(app, durationMs).catch((error: unknown) => app.log.error({ err: error }, 'drain failed'));
  return true;
}

/** How often a draining gateway looks whether its last session has ended. */
const DRAIN_POLL_MS = 100;

/**
 * Drains the gateway: /healthz answers 503 `draining`, new sessions are refused (the proxy sends them
 * to another gateway), sessions are warned and kept until they end or `durationMs` passes; then the
 * gateway stops as `stopGateway` does (sessions still open end with GW_ERR_SHUTDOWN).
 */
export async function drainGateway(app: FastifyInstance, durationMs: number): Promise<void> {
  const { sessions, cluster, metrics } = app.telgate;
  if (!cluster.drain.draining) {
    sessions.stopAdmitting();
    cluster.drain.start(durationMs);
    metrics.draining.set(1);
    app.log.info(
      { sessions: sessions.openSessions, deadline: cluster.drain.deadline?.toISOString() },
      'draining: no new sessions; the open ones are kept until they end or the deadline',
    );
  } else if (cluster.drain.bringForward(durationMs)) {
    // Draining already (an admin call, then SIGTERM; or a second admin call): a sooner deadline wins.
    app.log.info({ deadline: cluster.drain.deadline?.toISOString() }, 'draining: deadline brought forward');
  }
  const deadline = () => cluster.drain.deadline?.getTime() ?? Date.now();
  while (sessions.openSessions > 0 && Date.now() < deadline()) {
    await new Promise((resolve) => setTimeout(resolve, Math.min(DRAIN_POLL_MS, deadline() - Date.now())));
  }
  app.log.info({ sessions: sessions.openSessions }, 'drained: stopping');
  await stopGateway(app);
}

/**
 * The HTTP server, giving a client `handshakeTimeoutMs` to send its request, the WebSocket upgrade
 * included (slow-loris defence). Node checks these deadlines only every connectionsCheckingInterval
 * (30 s by default), so that is shortened to match.
 */
function createHttpServer(handshakeTimeoutMs: number, handler: RequestListener): Server {
  return createServer(
    {
      headersTimeout: handshakeTimeoutMs,
      requestTimeout: handshakeTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(handshakeTimeoutMs / 4))),
    },
    handler,
  );
}

/**
 * The subprotocol the gateway speaks, wherever the browser lists it: telgate.v2 when offered, else
 * telgate.v1; none (and the session then refuses the client) when neither is offered. ws would
 * otherwise pick the first one listed.
 */
export function pickSubprotocol(offered: ReadonlySet<string>): string | false {
  if (offered.has(SUBPROTOCOL_V2)) return SUBPROTOCOL_V2;
  return offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}

/**
 * Fastify's trustProxy for the configured one. A hop count becomes a function: Fastify itself trusts no
 * hop for a number, while the count means "the N nearest hops are our proxies" (hop 0 is the TCP peer).
 */
function trustProxyOption(
  trustProxy: GatewayConfig['security']['trustProxy'],
): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return trustProxy === false ? false : [...trustProxy];
}

/**
 * The gateway as a Fastify app, ready for `inject()`/`injectWS()` or `listen()`. One plugin per concern:
 * security headers, the /ws route (origin, rate, target, auth, limits, DNS policy, then `onSession`),
 * /healthz, /metrics, /api/targets and the web app.
 */
export async function buildApp(config: GatewayConfig, deps: AppDeps = {}): Promise<FastifyInstance> {
  // parseConfig refuses this too; checked again for configurations built in code.
  const exposure = authExposureProblem(config.listen.host, config.security.auth);
  if (exposure) throw new ConfigError('configuration', [{ where: 'security.auth.mode', message: exposure }]);

  const metrics = deps.metrics ?? createMetrics();
  const logger = deps.logger ?? createLogger(config.logging.level);
  const { gatewayId, redis } = config.cluster;
  let renewShared = (): void => {};
  const shared =
    redis === undefined || gatewayId === undefined
      ? undefined
      : new SharedLimits({
          redis,
          gatewayId,
          log: logger.child({ component: 'shared-limits' }),
          onReady: () => renewShared(),
          onUnavailable: (decision) => metrics.sharedLimitsUnavailable.inc({ decision }),
        });
  const sessions = new SessionRegistry(
    config.limits,
    (open) => metrics.sessionsOpen.set(open),
    (record) => shared?.release(record),
  );
  const resumable = new ResumableSessions(config.limits, {
    detachedCount: (count) => metrics.sessionsDetached.set(count),
    evicted: () => metrics.detachedEnded.inc({ reason: 'evicted' }),
  });
  let renewTimer: NodeJS.Timeout | undefined;
  if (shared && redis) {
    renewShared = () => {
      const detached = resumable.detachedIds();
      void shared.renew(
        sessions.list().map((record) => ({ ...record, detached: detached.has(record.sessionId) })),
      );
    };
    renewTimer = setInterval(renewShared, (redis.leaseSeconds * 1000) / 3);
    renewTimer.unref();
  }
  const cluster: ClusterServices = { gatewayId, drain: new Drain(gatewayId !== undefined), shared };
  const app = Fastify({
    loggerInstance: logger,
    trustProxy: trustProxyOption(config.security.trustProxy),
    // Request lines only at debug level, URLs without their tokens.
    logController: new GatewayLogController(),
    serverFactory: (handler) => createHttpServer(config.limits.handshakeTimeoutMs, handler),
  }) as unknown as FastifyInstance;
  const audit = deps.audit ?? createAuditLog(config.audit);
  const recordings =
    config.recording.targets.length > 0 || config.recording.page
      ? new RecordingStore(config.recording, metrics, {
          ...(deps.recordingSink && { openSink: deps.recordingSink }),
          ...(deps.recordingCloseTimeoutMs !== undefined && { closeTimeoutMs: deps.recordingCloseTimeoutMs }),
          log: (fields, message) => app.log.warn(fields, message),
        })
      : undefined;
  await recordings?.start();
  const journalsEnding = new Set<Promise<void>>();
  app.decorate('telgate', { config, sessions, resumable, metrics, recordings, audit, cluster });
  app.addHook('onClose', async () => {
    clearInterval(renewTimer);
    cluster.drain.stop();
    await shared?.close();
  });
  // Set before any plugin, so that missing files of the web app end here too. The query string may hold
  // a token: neither the log line nor the answer repeats it.
  app.setNotFoundHandler((request, reply) => {
    request.log.debug({ method: request.method, path: pathOf(request.url) }, 'no such route');
    return reply.code(404).send({ error: 'Not found' });
  });
  // A browser's mistakes (a directory URL, a bad range) are the browser's business: debug, without a
  // stack. The gateway's own failures stay errors.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode !== undefined && error.statusCode >= 400 ? error.statusCode : 500;
    if (status < 500) {
      request.log.debug({ status, path: pathOf(request.url), error: error.message }, 'request refused');
      return reply.code(status).send({ error: error.message });
    }
    request.log.error({ err: error, path: pathOf(request.url) }, 'request failed');
    return reply.code(status).send({ error: 'Internal error' });
  });
  addHostCheck(app, {
    publicHosts: config.security.publicHosts,
    listenHost: config.listen.host,
    onRefused: () => metrics.refusals.inc({ reason: 'host' }),
  });

  // Registered before the WebSocket plugin so that it runs first: sessions get STATE closed and
  // GW_ERR_SHUTDOWN rather than a close without a code.
  app.addHook('preClose', (done) => {
    sessions.shutDownAll();
    done();
  });

  await app.register(securityHeaders, { security: config.security });
  await app.register(rateLimit, { global: false });
  // After the sessions' own close: their recordings are written out and their `ended` records written.
  app.addHook('onClose', async () => {
    // Sessions end as their sockets close (shutdown asked them to in preClose); the grace period
    // bounds the wait, as it bounds the shutdown.
    // Only when there is something to write: without an audit log or recordings nothing waits.
    const journals = audit !== NO_AUDIT || recordings !== undefined;
    const deadline = Date.now() + config.limits.shutdownGraceMs + 1000;
    while (journals && (sessions.openSessions > 0 || journalsEnding.size > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await Promise.all([...journalsEnding]);
    recordings?.stop();
    if (deps.audit === undefined) await audit.close();
  });
  await app.register(websocket, {
    options: { maxPayload: config.limits.maxPayloadBytes, handleProtocols: pickSubprotocol },
  });
  const verifier = createTokenVerifier(config.security.auth);
  await app.register(gatewayRoute, {
    config,
    sessions,
    metrics,
    verifier,
    lookup: deps.lookup ?? systemLookup,
    onSession: deps.onSession ?? sessionsUnavailable,
    resumable,
    audit,
    recordings,
    journalsEnding,
    cluster,
  });
  await app.register(healthRoute, { sessions, cluster });
  await app.register(metricsRoute, { metrics });
  await app.register(targetsApi, { config, verifier });
  if (recordings && config.recording.page) await app.register(recordingsApi, { store: recordings, verifier });
  // Operators only, so never without token auth.
  if (config.security.auth.mode === 'token') {
    await app.register(sessionsApi, { verifier, sessions, resumable, recordings });
    const onDrainRequest = deps.onDrainRequest ?? drainOnRequest;
    await app.register(adminApi, {
      verifier,
      sessions,
      cluster,
      drainSeconds: config.cluster.drainSeconds,
      requestDrain: (durationMs) => onDrainRequest(app, durationMs),
    });
  }
  await app.register(webApp, {
    root: deps.webRoot === undefined ? DEFAULT_WEB_ROOT : (deps.webRoot ?? undefined),
    kioskTarget: config.kiosk?.target,
    serveSourceMaps: config.security.serveSourceMaps,
    recordingsPage: config.recording.page,
    frameAncestors: config.security.frameAncestors,
  });
  return app;
}
