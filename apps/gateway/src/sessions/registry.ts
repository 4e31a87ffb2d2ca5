import { GatewayError } from '../errors.js';
import { formatIp, parseIp } from '../targets/ip.js';

/**
 * Who a client is for per-client limits: its IPv4 address, or the /64 of its IPv6 address (one
 * subscriber usually holds a whole /64, so counting single IPv6 addresses would limit nothing).
 */
export function clientKey(ip: string): string {
  const address = parseIp(ip);
  if (!address) return ip;
  if (address.family === 4) return formatIp(address.value);
  const mask = ((1n << 64n) - 1n) << 64n;
  return `${formatIp(address.value & mask)}/64`;
}

export interface SessionInfo {
  readonly sessionId: string;
  readonly clientIp: string;
  readonly targetId: string;
  readonly user: string | undefined;
  /** Asks the session to end because the gateway is shutting down (STATE closed, close GW_ERR_SHUTDOWN). */
  readonly shutDown: () => void;
  /** Destroys the session's socket at once, for a browser that did not finish its close in time. */
  readonly terminate: () => void;
}

export interface SessionRecord extends SessionInfo {
  readonly clientKey: string;
  readonly startedAt: Date;
}

export interface SessionLimits {
  readonly maxSessions: number;
  readonly maxSessionsPerIp: number;
}

/**
 * The open sessions, and the limits on how many there may be. A session is registered before the
 * gateway does any work for it (DNS, connecting), so that concurrent attempts cannot overshoot a limit.
 */
export class SessionRegistry {
  readonly #sessions = new Map<string, SessionRecord>();
  readonly #perClient = new Map<string, number>();
  readonly #limits: SessionLimits;
  readonly #onCountChange: ((open: number) => void) | undefined;
  readonly #onRemoved: ((record: SessionRecord) => void) | undefined;
  #shuttingDown = false;
  #draining = false;

  constructor(
    limits: SessionLimits,
    onCountChange?: (open: number) => void,
    onRemoved?: (record: SessionRecord) => void,
  ) {
    this.#limits = limits;
    this.#onCountChange = onCountChange;
    this.#onRemoved = onRemoved;
  }

  /** The gateway drains: sessions go on, and no new one is registered (GW_ERR_SHUTDOWN). */
  stopAdmitting(): void {
    this.#draining = true;
  }

  /** Sessions open now. */
  get openSessions(): number {
    return this.#sessions.size;
  }

  /**
   * Adds a session, or throws GW_ERR_OVERLOADED when a limit is reached and GW_ERR_SHUTDOWN once the
   * gateway is shutting down.
   */
  register(info: SessionInfo): void {
    if (this.#sessions.has(info.sessionId))
      throw new Error(`session ${info.sessionId} is already registered`);
    if (this.#shuttingDown) throw new GatewayError('GW_ERR_SHUTDOWN', 'the gateway is shutting down');
    if (this.#draining) throw new GatewayError('GW_ERR_SHUTDOWN', 'the gateway is draining');
    const key = clientKey(info.clientIp);
    if (this.#sessions.size >= this.#limits.maxSessions) {
      throw new GatewayError(
        'GW_ERR_OVERLOADED',
        `the gateway has ${this.#sessions.size} sessions, its limit`,
      );
    }
    const fromClient = this.#perClient.get(key) ?? 0;
    if (fromClient >= this.#limits.maxSessionsPerIp) {
      throw new GatewayError('GW_ERR_OVERLOADED', `${key} has ${fromClient} sessions, the per-client limit`);
    }
    this.#sessions.set(info.sessionId, { ...info, clientKey: key, startedAt: new Date() });
    this.#perClient.set(key, fromClient + 1);
    this.#onCountChange?.(this.#sessions.size);
  }

  /** Removes a session; removing one that is not (or no longer) registered does nothing. */
  unregister(sessionId: string): void {
    const record = this.#sessions.get(sessionId);
    if (!record) return;
    this.#sessions.delete(sessionId);
    const remaining = (this.#perClient.get(record.clientKey) ?? 1) - 1;
    if (remaining > 0) this.#perClient.set(record.clientKey, remaining);
    else this.#perClient.delete(record.clientKey);
    this.#onCountChange?.(this.#sessions.size);
    this.#onRemoved?.(record);
  }

  /** A snapshot of the open sessions. */
  list(): SessionRecord[] {
    return [...this.#sessions.values()];
  }

  /**
   * Asks every open session to end for the shutdown (they unregister as their sockets close); no session
   * is registered from now on.
   */
  shutDownAll(): void {
    this.#shuttingDown = true;
    for (const session of this.list()) session.shutDown();
  }

  /** Destroys the socket of every session still open (the shutdown grace period is over). */
  terminateAll(): void {
    for (const session of this.list()) session.terminate();
  }
}
