import type { FastifyPluginAsync } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * The gateway's Prometheus metrics. Each gateway has its own registry (several can run in one process,
 * as in tests). Labels hold only bounded values (error codes, option names), never hosts or users.
 */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** Sessions open now; kept by the session registry. */
  readonly sessionsOpen: Gauge;
  /** Sessions handed to the relay, by `kind`: `configured` or `free-form`. */
  readonly sessionsStarted: Counter<'kind'>;
  /** Bytes received from hosts (TCP, before Telnet decoding). */
  readonly bytesFromHost: Counter;
  /** Bytes sent to hosts (TCP, after Telnet encoding). */
  readonly bytesToHost: Counter;
  /** Failures to reach a host, by `code` (GW_ERR_DNS_FAILURE, GW_ERR_HOST_REFUSED, GW_ERR_TIMEOUT…). */
  readonly connectErrors: Counter<'code'>;
  /** Option negotiation results, by `option` name (NAWS…) and `outcome` (e.g. enabled, refused). */
  readonly negotiations: Counter<'option' | 'outcome'>;
  /** Ended sessions, by `reason`: a GW_ERR_… code, or `client_closed`, `shutdown`. */
  readonly sessionCloses: Counter<'reason'>;
  /** Connections the gateway turned away before a session, by `reason`: a GW_ERR_… code or `origin`. */
  readonly refusals: Counter<'reason'>;
  /** Automatic sign-ins that ended, by `outcome`: `signed_in` or `failed`. */
  readonly autoLogins: Counter<'outcome'>;
  /** telgate.v2 sessions kept without a socket now, waiting to be resumed. */
  readonly sessionsDetached: Gauge;
  /** RESUME attempts, by `outcome`: `resumed` (a detached session), `taken_over` (an attached one), `refused`. */
  readonly resumes: Counter<'outcome'>;
  /** Sessions a second socket took from the one attached to them (included in `resumes`). */
  readonly takeovers: Counter;
  /** Detached sessions that ended unresumed, by `reason`: `expired` (grace over) or `evicted` (a cap). */
  readonly detachedEnded: Counter<'reason'>;
  /** Output not sent to browsers that fell behind (responsive output): they got the screen instead. */
  readonly outputSkippedBytes: Counter;
  /** SCREEN frames sent to browsers that caught up after output was skipped. */
  readonly catchUpScreens: Counter;
  /** Session recordings started. */
  readonly recordingsStarted: Counter;
  /** Recordings that could not be completed, by `reason`: `write_failed`, `queue_full`, `close_timeout`. */
  readonly recordingsIncomplete: Counter<'reason'>;
  /** Recordings deleted by retention, by `reason`: `age` or `size`. */
  readonly recordingsDeleted: Counter<'reason'>;
  /** New sessions Redis could not admit, by what the gateway did instead (`local`, `refused`). */
  readonly sharedLimitsUnavailable: Counter;
  /** 1 while the gateway drains. */
  readonly draining: Gauge;
}

export interface MetricsOptions {
  /** Also export Node.js process metrics (CPU, memory, event loop lag, GC). */
  readonly processMetrics?: boolean;
}

export function createMetrics({ processMetrics = true }: MetricsOptions = {}): GatewayMetrics {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    sessionsOpen: new Gauge({ name: 'telgate_sessions_open', help: 'Sessions open now', registers }),
    sessionsStarted: new Counter({
      name: 'telgate_sessions_started_total',
      help: 'Sessions handed to the relay, by target kind',
      labelNames: ['kind'],
      registers,
    }),
    bytesFromHost: new Counter({
      name: 'telgate_host_bytes_received_total',
      help: 'Bytes received from Telnet hosts',
      registers,
    }),
    bytesToHost: new Counter({
      name: 'telgate_host_bytes_sent_total',
      help: 'Bytes sent to Telnet hosts',
      registers,
    }),
    connectErrors: new Counter({
      name: 'telgate_connect_errors_total',
      help: 'Failures to reach a host, by error code',
      labelNames: ['code'],
      registers,
    }),
    negotiations: new Counter({
      name: 'telgate_negotiations_total',
      help: 'Telnet option negotiation outcomes, by option and outcome',
      labelNames: ['option', 'outcome'],
      registers,
    }),
    sessionCloses: new Counter({
      name: 'telgate_session_closes_total',
      help: 'Ended sessions, by reason',
      labelNames: ['reason'],
      registers,
    }),
    refusals: new Counter({
      name: 'telgate_connection_refusals_total',
      help: 'WebSocket connections refused before a session started, by reason',
      labelNames: ['reason'],
      registers,
    }),
    autoLogins: new Counter({
      name: 'telgate_auto_logins_total',
      help: 'Automatic sign-ins that ended, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    sessionsDetached: new Gauge({
      name: 'telgate_sessions_detached',
      help: 'Sessions kept without a browser socket, waiting to be resumed',
      registers,
    }),
    resumes: new Counter({
      name: 'telgate_resumes_total',
      help: 'Attempts to resume a session, by outcome',
      labelNames: ['outcome'],
      registers,
    }),
    takeovers: new Counter({
      name: 'telgate_session_takeovers_total',
      help: 'Sessions resumed by a new socket while another socket was attached',
      registers,
    }),
    detachedEnded: new Counter({
      name: 'telgate_detached_sessions_ended_total',
      help: 'Detached sessions that ended without being resumed, by reason',
      labelNames: ['reason'],
      registers,
    }),
    outputSkippedBytes: new Counter({
      name: 'telgate_output_skipped_bytes_total',
      help: 'Output bytes not sent to browsers that fell behind (they got the screen instead)',
      registers,
    }),
    catchUpScreens: new Counter({
      name: 'telgate_catch_up_screens_total',
      help: 'Screens sent to browsers that caught up after output was skipped',
      registers,
    }),
    recordingsStarted: new Counter({
      name: 'telgate_recordings_started_total',
      help: 'Session recordings started',
      registers,
    }),
    recordingsIncomplete: new Counter({
      name: 'telgate_recordings_incomplete_total',
      help: 'Session recordings that could not be completed, by reason',
      labelNames: ['reason'],
      registers,
    }),
    recordingsDeleted: new Counter({
      name: 'telgate_recordings_deleted_total',
      help: 'Session recordings deleted by retention, by reason',
      labelNames: ['reason'],
      registers,
    }),
    sharedLimitsUnavailable: new Counter({
      name: 'telgate_shared_limits_unavailable_total',
      help: 'New sessions Redis could not admit, by what the gateway did instead (local, refused)',
      labelNames: ['decision'],
      registers,
    }),
    draining: new Gauge({ name: 'telgate_draining', help: '1 while the gateway drains', registers }),
  };
}

/** GET /metrics in the Prometheus text format. */
export const metricsRoute: FastifyPluginAsync<{ metrics: GatewayMetrics }> = async (app, { metrics }) => {
  // Scrapes come every few seconds: keep them out of the request log.
  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
