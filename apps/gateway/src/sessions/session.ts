import { closeCodeFor, type GatewayErrorCode, type Notice } from '@telgate/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { LoginCredentials } from '../auth/token.js';
import type { LimitsConfig, TargetConfig, WatchConfig } from '../config/types.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { SessionJournal } from '../recording/journal.js';
import type { DialAddress } from '../targets/policy.js';
import type { ResumableSessions } from './resumable.js';

/**
 * Everything a session handler needs about one connection that passed every check: the origin was
 * allowed, the token (if required) names this target, the target is known or admitted by the
 * free-form policy, the session limits had room, and the host's address is resolved and allowed.
 */
export interface SessionContext {
  readonly sessionId: string;
  /** Settings for this session; for a free-form target, built from freeForm.defaults (id `host:port`). */
  readonly target: TargetConfig;
  readonly freeForm: boolean;
  /** Connect to exactly this address: it is the one the policy checked (never resolve the name again). */
  readonly address: DialAddress;
  /** The token's `sub`; undefined when auth is off. */
  readonly user: string | undefined;
  /**
   * Credentials for the target's automatic sign-in from the token's `telgate.login` claim; only for
   * targets whose `autoLogin.fromToken` allows it. Never log them.
   */
  readonly login?: LoginCredentials;
  readonly clientIp: string;
  /** The page's Origin header, normalized; undefined when the client sent none. */
  readonly origin: string | undefined;
  /** Logger whose lines carry sessionId, target, user and clientIp. Never log terminal data. */
  readonly log: FastifyBaseLogger;
  readonly limits: LimitsConfig;
  readonly metrics: GatewayMetrics;
  /**
   * Aborted once the session has ended: when its socket closed (for whatever reason, shutdown
   * included), or, for a session that outlives its socket, when it called `ended`.
   */
  readonly signal: AbortSignal;
  /**
   * Aborted when the gateway shuts down: the handler ends the session with GW_ERR_SHUTDOWN (STATE closed,
   * then close 4016) at once. Sockets still open afterwards are closed that way by the gateway, and
   * terminated when the shutdown grace period is over.
   */
  readonly shutdown: AbortSignal;
  /**
   * Tells the gateway how the session ended, for its one `session ended` log line (written once the
   * socket has closed). A handler that never reports gets an outcome read from the close code.
   */
  readonly reportEnding: (ending: SessionEnding) => void;
  /** The gateway's resumable (telgate.v2) sessions, where a session that may outlive its socket enrols. */
  readonly resumable: ResumableSessions;
  /**
   * From now on the session outlives its socket (telgate.v2): it stays registered (and counts toward
   * the session limits) after the socket closes, until it calls `ended`.
   */
  readonly outliveSocket: () => void;
  /**
   * A session that outlives its socket has ended (after `reportEnding`): it is unregistered and its
   * `session ended` line logged. `closeCode` is the close code its last socket was closed with, if any.
   */
  readonly ended: (closeCode?: number) => void;
  /** The session's audit records and recording: the relay reports output, resizes, actions, detach, resume. */
  readonly journal?: SessionJournal;
  /** This gateway's id among several behind one proxy (cluster.gatewayId), given to the page to resume. */
  readonly gatewayId?: string;
  /** Notices from the gateway itself for every session, e.g. that it is draining. */
  readonly gatewayNotices?: GatewayNotices;
  /** Live observation: whether the user is told the observer count, how many may watch. */
  readonly watch?: WatchConfig;
}

/** Notices the gateway sends every session: a session subscribes while it lives. */
export interface GatewayNotices {
  /** The notice in force now (e.g. the drain warning), for a session resumed after it went out. */
  current(): Notice | undefined;
  /** Calls `listener` with each new notice; returns the unsubscribe function. */
  subscribe(listener: (notice: Notice) => void): () => void;
}

/** How a session ended, as its handler saw it. */
export interface SessionEnding {
  /** `client_closed`, `shutdown` or a `GW_ERR_…` code (see `endingReason`). */
  readonly outcome: string;
  /** Details beyond the outcome, e.g. the system error; never terminal data. */
  readonly detail?: string;
  readonly bytesFromHost: number;
  readonly bytesToHost: number;
  /** Anything else worth one field on the line, e.g. how many TRACE frames were dropped. */
  readonly extra?: Readonly<Record<string, number>>;
}

/** The STATE closed `reason` of sessions ended by a shutdown. */
export const SHUTDOWN_REASON = 'the gateway is shutting down';

/**
 * How an ended session is counted (`telgate_session_closes_total{reason}`) and logged: `shutdown` when
 * the gateway was shutting down, `client_closed` when the browser closed it, else its GW_ERR_… code.
 */
export function endingReason(code: GatewayErrorCode | undefined): string {
  if (code === undefined) return 'client_closed';
  return code === 'GW_ERR_SHUTDOWN' ? 'shutdown' : code;
}

/**
 * Runs a session on an accepted WebSocket. It must attach its socket listeners before returning (or
 * before its first `await`): client messages are held back until then and flow as soon as it returns.
 * The session stays registered until the socket closes; a handler that throws or rejects gets the
 * socket closed with GW_ERR_INTERNAL.
 */
export type SessionHandler = (socket: WebSocket, ctx: SessionContext) => void | Promise<void>;

/** Stands in until a Telnet relay is installed: every session ends at once with GW_ERR_INTERNAL. */
export const sessionsUnavailable: SessionHandler = (socket, ctx) => {
  ctx.log.error('no session handler is installed');
  socket.close(closeCodeFor('GW_ERR_INTERNAL'), 'GW_ERR_INTERNAL');
};
