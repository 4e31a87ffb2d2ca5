import { createHash, randomBytes } from 'node:crypto';
import type { GatewayErrorCode } from '@telgate/protocol';
import type { WebSocket } from 'ws';
import type { ObserverInfo } from '../relay/observers.js';

/** Random bytes in a resume credential (base64url: 32 characters). */
export const CREDENTIAL_BYTES = 24;

/** A message a socket received before its session took it over, to be handled in order. */
export interface QueuedMessage {
  readonly data: Buffer;
  readonly isBinary: boolean;
}

/** Who may resume a session: the same target, the same token subject, the same page origin. */
export interface ResumeBinding {
  readonly targetId: string;
  /** The token's `sub`; undefined when auth is off. */
  readonly user: string | undefined;
  /** The page's Origin header, normalized; undefined when the client sent none. */
  readonly origin: string | undefined;
}

/** A telgate.v2 session as the gateway sees it from outside: something a new socket can take over. */
export interface ResumableSession {
  readonly sessionId: string;
  readonly binding: ResumeBinding;
  /**
   * Attaches `socket` (whose first frame was this session's RESUME); `queued` are its frames after it,
   * `clientIp` the address it comes from.
   */
  attach(socket: WebSocket, queued: readonly QueuedMessage[], clientIp?: string): void;
  /** Ends the session because the gateway cannot keep it (cap on detached sessions or screen memory). */
  evict(reason: string): void;
  /** Heap its screen holds, roughly. */
  screenBytes(): number;
  /**
   * Attaches a read-only observer whose token the gateway checked; returns why it cannot, or undefined
   * once the observer is attached.
   */
  watch?(socket: WebSocket, observer: ObserverInfo): WatchRefusal | undefined;
}

/** Why an observer cannot watch a session. */
export interface WatchRefusal {
  readonly code: GatewayErrorCode;
  readonly detail: string;
}

export interface ResumeLimits {
  readonly maxDetachedSessions: number;
  readonly maxScreenStateBytes: number;
}

export interface ResumeEvents {
  /** The number of detached sessions changed. */
  readonly detachedCount?: (count: number) => void;
  /** A detached session was ended to make room. */
  readonly evicted?: (session: ResumableSession, reason: string) => void;
}

/** The credential's lookup key: a digest, so that the map lookup reveals nothing about credentials held. */
function keyOf(credential: string): string {
  return createHash('sha256').update(credential).digest('base64url');
}

/**
 * The resumable sessions of one gateway, found by credential, and the detached ones among them (in
 * the order they detached), which give way — oldest first — when more are detached than allowed or
 * their screens together hold more than allowed.
 */
export class ResumableSessions {
  readonly #byKey = new Map<string, ResumableSession>();
  readonly #keyOf = new Map<ResumableSession, string>();
  /** Detached sessions, oldest first (a Map keeps insertion order). */
  readonly #detached = new Map<ResumableSession, number>();
  readonly #sessions = new Set<ResumableSession>();
  #lastMemoryCheck = 0;

  constructor(
    private readonly limits: ResumeLimits,
    private readonly events: ResumeEvents = {},
  ) {}

  /** Detached sessions now. */
  get detachedCount(): number {
    return this.#detached.size;
  }

  /** The ids of the sessions detached now. */
  detachedIds(): Set<string> {
    return new Set([...this.#detached.keys()].map((session) => session.sessionId));
  }

  /** A fresh credential for `session`; the one it had before stops working. */
  issue(session: ResumableSession): string {
    this.#revokeCredential(session);
    const credential = randomBytes(CREDENTIAL_BYTES).toString('base64url');
    const key = keyOf(credential);
    this.#byKey.set(key, session);
    this.#keyOf.set(session, key);
    this.#sessions.add(session);
    return credential;
  }

  /** The open resumable session with this id, if any (for observers). */
  byId(sessionId: string): ResumableSession | undefined {
    for (const session of this.#sessions) if (session.sessionId === sessionId) return session;
    return undefined;
  }

  /** The session a credential names, if it is still valid. */
  find(credential: string): ResumableSession | undefined {
    return this.#byKey.get(keyOf(credential));
  }

  /** The session ended: its credential stops working. */
  remove(session: ResumableSession): void {
    this.#revokeCredential(session);
    this.#sessions.delete(session);
    this.#setAttached(session);
  }

  /** The session lost its socket; makes room among detached sessions (possibly ending this one). */
  detached(session: ResumableSession): void {
    if (this.#detached.has(session)) return;
    this.#detached.set(session, Date.now());
    this.events.detachedCount?.(this.#detached.size);
    while (this.#detached.size > this.limits.maxDetachedSessions) {
      const oldest = this.#detached.keys().next().value!;
      this.#evict(
        oldest,
        `more than limits.maxDetachedSessions (${this.limits.maxDetachedSessions}) sessions are detached`,
      );
    }
    this.checkMemory(true);
  }

  /** The session has a socket again. */
  attached(session: ResumableSession): void {
    this.#setAttached(session);
  }

  /**
   * Keeps the screens under limits.maxScreenStateBytes by ending detached sessions, oldest first.
   * Cheap to call per output chunk: the sum is taken at most once a second unless `now` is set.
   */
  checkMemory(now = false): void {
    const at = Date.now();
    if (!now && at - this.#lastMemoryCheck < 1000) return;
    this.#lastMemoryCheck = at;
    let total = 0;
    for (const session of this.#sessions) total += session.screenBytes();
    const limit = this.limits.maxScreenStateBytes;
    for (const oldest of [...this.#detached.keys()]) {
      if (total <= limit) return;
      total -= oldest.screenBytes();
      this.#evict(oldest, `the screens kept exceed limits.maxScreenStateBytes (${limit} bytes)`);
    }
  }

  #evict(session: ResumableSession, reason: string): void {
    this.events.evicted?.(session, reason);
    // The session ends and removes itself; make sure it is gone even if it does not.
    session.evict(reason);
    this.remove(session);
  }

  #setAttached(session: ResumableSession): void {
    if (this.#detached.delete(session)) this.events.detachedCount?.(this.#detached.size);
  }

  #revokeCredential(session: ResumableSession): void {
    const key = this.#keyOf.get(session);
    if (key === undefined) return;
    this.#byKey.delete(key);
    this.#keyOf.delete(session);
  }
}
