import {
  type Action,
  closeCodeFor,
  decodeServerFrame,
  type EffectiveSettings,
  encodeAck,
  encodeClientFrame,
  encodeInput,
  encodeInputText,
  errorForCloseCode,
  type GatewayErrorCode,
  INPUT_HEADER_SIZE,
  type LogoutResult,
  NORMAL_CLOSURE,
  type Notice,
  type ResumeInfo,
  type ServerFrame,
  type SettingsUpdate,
  SUBPROTOCOL_V2,
  SUBPROTOCOLS,
  type Subprotocol,
  type SupdupTerminal,
  type TargetInfo,
} from '@telgate/protocol';
import { AckBatcher, DEFAULT_ACK_THRESHOLD, type Scheduler } from './ack-batcher';
import { type BackoffPolicy, backoffDelay } from './backoff';
import { Emitter } from './emitter';
import {
  CLOSED_BY_USER,
  describeEnding,
  pageError,
  resumeEnding,
  resumeErrorForCloseCode,
  type SessionEnding,
} from './ending';
import { InputLedger } from './input-ledger';
import { type ResumeStore, resumeStore } from './resume-store';
import {
  browserSocket,
  type ConnectTarget,
  type SocketFactory,
  type SocketHandle,
  socketUrl,
  watchUrl,
} from './socket';
import { TraceLog } from './trace-log';

/** Where the terminal renders OUTPUT; `rendered` is called once the bytes are on screen. */
export interface OutputSink {
  write(data: Uint8Array, rendered: () => void): void;
  /**
   * The whole terminal (telgate.v2 SCREEN): reset the terminal, make it `cols`×`rows`, write `data`.
   * Without it, the text is written like output.
   */
  screen?(cols: number, rows: number, data: Uint8Array, rendered: () => void): void;
}

export type ConnectionStatus =
  | { readonly phase: 'idle' }
  | { readonly phase: 'connecting'; readonly since: number }
  | { readonly phase: 'connected'; readonly since: number }
  /**
   * The socket was lost (or the page was reloaded) while the session lives on at the gateway: the page
   * is getting it back. `retryAt`: when the next attempt starts, while waiting for it.
   */
  | {
      readonly phase: 'reconnecting';
      readonly since: number;
      readonly attempt: number;
      readonly retryAt?: number;
    }
  | { readonly phase: 'closed'; readonly at: number; readonly ending: SessionEnding };

/** The session came back after a lost socket or a reload. */
export interface ResumedInfo {
  readonly at: number;
  /** How long the gateway had the session without a socket. */
  readonly awayMs: number;
  /** Input bytes the gateway never got and the page could not send again (0 nearly always). */
  readonly inputLost: number;
}

/** Both sides of one Telnet option, as the gateway reported them with OPTION frames. */
export interface OptionState {
  readonly option: number;
  /** The gateway's side ("us": WILL). */
  readonly local: boolean;
  /** The host's side ("him": DO). */
  readonly remote: boolean;
}

/** Where a Logout (RFC 727) stands: asked and waiting, or the host's answer. */
export type LogoutStatus = 'idle' | 'pending' | LogoutResult;

export interface NoticeEntry {
  readonly id: number;
  readonly at: number;
  readonly notice: Notice;
}

/** Everything the UI shows about a session. Replaced (never mutated) on every change. */
export interface SessionSnapshot {
  readonly status: ConnectionStatus;
  /** What the user asked to connect to. */
  readonly requested?: ConnectTarget;
  /** The host, as the gateway describes it. */
  readonly target?: TargetInfo;
  readonly sessionId?: string;
  readonly settings?: EffectiveSettings;
  /** Every option the gateway reported, by option code. */
  readonly options: readonly OptionState[];
  readonly logout: LogoutStatus;
  /** The host warned that it will log the user out for inactivity. */
  readonly autoLogoutWarning: boolean;
  /** Warnings and other notices that did not end the session, newest last. */
  readonly notices: readonly NoticeEntry[];
  /**
   * The gateway has sent nothing for twice its heartbeat interval: it, or the network, has stopped
   * answering. Cleared when frames arrive again. Only gateways that send HEARTBEAT frames are watched.
   */
  readonly stalled: boolean;
  /** The last time the session came back (telgate.v2), for a brief "Resumed" message. */
  readonly resumed?: ResumedInfo;
  /** Input bytes typed while reconnecting, waiting to be sent. */
  readonly queuedInput: number;
  /** Typing while reconnecting filled the queue: keys were refused (not sent, not kept). */
  readonly inputRefused: boolean;
  /**
   * The session speaks SUPDUP (RFC 734) rather than Telnet, with the terminal the gateway described to
   * the host when it said so: the Telnet commands do not apply, Logout does.
   */
  readonly supdup?: { readonly terminal?: SupdupTerminal };
  /** How many observers watch this session read-only now, as the gateway last said (telgate.v2). */
  readonly observers?: number;
  /**
   * The id of another's session this page watches read-only (`/ws?watch=`): nothing typed, no action,
   * no setting and no size goes to the gateway.
   */
  readonly watching?: string;
}

export interface SessionEvents {
  connected: { target?: TargetInfo; sessionId?: string };
  /** The socket was lost but the session lives on: the page is getting it back. */
  detached: { at: number };
  /** The session is back (after `detached`, or after a reload). */
  resumed: { awayMs: number };
  closed: SessionEnding;
  logout: LogoutResult;
  notice: Notice;
  /** The user changed line settings (sent to the gateway), e.g. to remember them for this host. */
  settings: SettingsUpdate;
}

export interface SessionOptions {
  /** The page's URL; the WebSocket goes to /ws on the same origin. */
  readonly pageUrl: string;
  readonly createSocket?: SocketFactory;
  readonly now?: () => number;
  /** When coalesced ACKs go out (a microtask by default). */
  readonly scheduleAck?: Scheduler;
  readonly ackThreshold?: number;
  /**
   * Where the credential to get the session back after a lost socket or a reload is kept (the tab's
   * sessionStorage). Without it, a lost socket still resumes, but a reload starts a new session.
   */
  readonly resumeStorage?: Storage;
  /** The delays between attempts to get a lost session back. */
  readonly resumeBackoff?: BackoffPolicy;
  /** For the backoff's jitter: returns [0, 1). */
  readonly random?: () => number;
}

/** Retrying a lost session: quickly at first, and never waiting long, as the gateway's grace time is short. */
export const RESUME_BACKOFF: BackoffPolicy = {
  initialMs: 250,
  factor: 2,
  maxMs: 5_000,
  jitter: 0.2,
  stableAfterMs: 0,
};

/**
 * The close code for a socket the page drops while the session should live on (an attempt it replaces):
 * anything but 1000, which tells the gateway the user ended the session.
 */
const DETACH_CLOSE_CODE = 4000;

/** Gateway errors about the socket, not the session: the session may be waiting to be resumed. */
const SOCKET_ERRORS: ReadonlySet<GatewayErrorCode> = new Set([
  'GW_ERR_SLOW_CLIENT',
  'GW_ERR_CLIENT_GONE',
  'GW_ERR_OVERLOADED',
]);

/** How many notices are kept for display. */
const MAX_NOTICES = 20;

/** How long an informational notice ("Signed in as alice automatically") stays on screen. */
export const INFO_NOTICE_MS = 8_000;

/**
 * An informational notice: a `warning` whose code starts with `GW_INFO_` (protocol.md) reports
 * something that went right, such as the gateway's automatic sign-in. It passes by itself.
 */
export function isInformational(notice: Notice): boolean {
  return notice.kind === 'warning' && notice.code.startsWith('GW_INFO_');
}

const INITIAL: SessionSnapshot = {
  status: { phase: 'idle' },
  options: [],
  logout: 'idle',
  autoLogoutWarning: false,
  notices: [],
  stalled: false,
  queuedInput: 0,
  inputRefused: false,
  supdup: undefined,
  observers: 0,
};

/** A connection is stalled after this many heartbeat intervals without any frame. */
const STALLED_AFTER_INTERVALS = 2;
/**
 * A resumable session whose socket has been silent this long (six heartbeat intervals, and 20 s at
 * least) is on a dead connection the browser has not noticed (a laptop that slept, a network that
 * changed): the page drops the socket and gets the session back on a new one.
 */
const DEAD_AFTER_INTERVALS = 6;
const DEAD_AFTER_MIN_MS = 20_000;

/** One WebSocket's worth of state; a reconnect starts a new one. */
interface Connection {
  readonly socket: SocketHandle;
  /** A socket watching another's session: it sends nothing (no input, ACK, size or setting). */
  readonly readOnly: boolean;
  readonly acks: AckBatcher;
  /** The subprotocol the gateway selected, once open. */
  protocol: Subprotocol;
  /** This socket takes over a detached session with this credential (RESUME), instead of opening one. */
  readonly resumeWith?: string;
  /** A resuming socket: until the `resumed` notice, input waits and the session is not shown connected. */
  resuming: boolean;
  opened: boolean;
  finished: boolean;
  sentSize?: { cols: number; rows: number };
  /** When the last message arrived from the gateway. */
  lastMessageAt: number;
  /** The gateway's heartbeat interval, once a HEARTBEAT announced it. */
  heartbeatMs?: number;
  stallTimer?: ReturnType<typeof setTimeout>;
}

/**
 * A terminal session with the gateway over a WebSocket: decodes the gateway's frames into a snapshot the
 * UI renders, sends what the user does, and runs flow control by acknowledging OUTPUT once the terminal
 * has rendered it. It offers telgate.v2 then telgate.v1; on telgate.v2 a session outlives its socket: a
 * lost socket is replaced (RESUME as the new socket's first frame) and input the gateway did not get is
 * sent again, exactly once.
 */
export class TelgateSession {
  /** The negotiation trace of the current connection, for the inspector. */
  readonly trace = new TraceLog();
  private readonly events = new Emitter<SessionEvents>();
  private readonly listeners = new Set<() => void>();
  private snapshot: SessionSnapshot = INITIAL;
  private connection: Connection | undefined;
  private last: { target: ConnectTarget; token: string | undefined } | undefined;
  /** Watching another's session read-only instead of opening one: which, with what token, where. */
  private watching: { sessionId: string; token: string | undefined; gateway: string | undefined } | undefined;
  private size: { cols: number; rows: number } | undefined;
  private sink: OutputSink | undefined;
  private nextNoticeId = 1;
  private readonly createSocket: SocketFactory;
  private readonly now: () => number;
  private readonly store: ResumeStore;
  private readonly input = new InputLedger();
  /** How to get the current session back (telgate.v2, a grace time above 0): the latest credential. */
  private resume: ResumeInfo | undefined;
  /** While reconnecting: since when, until when the gateway keeps the session, and the next attempt. */
  private away:
    | { since: number; deadline: number; attempts: number; timer?: ReturnType<typeof setTimeout> }
    | undefined;
  /** When the current session started, on this page (the status line's clock). */
  private sessionSince: number | undefined;

  constructor(private readonly options: SessionOptions) {
    this.createSocket = options.createSocket ?? browserSocket;
    this.now = options.now ?? Date.now;
    this.store = resumeStore(options.resumeStorage);
  }

  // ------------------------------------------------------------------ state for the UI

  getSnapshot = (): SessionSnapshot => this.snapshot;

  /** For useSyncExternalStore: `listener` runs after every snapshot change. */
  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  on<Name extends keyof SessionEvents>(
    name: Name,
    listener: (payload: SessionEvents[Name]) => void,
  ): () => void {
    return this.events.on(name, listener);
  }

  /** The terminal that renders OUTPUT. Without one, output is dropped (and acknowledged). */
  attachOutput(sink: OutputSink | undefined): void {
    this.sink = sink;
  }

  get isConnected(): boolean {
    return this.snapshot.status.phase === 'connected';
  }

  /** Connected, or getting a lost session back: the session lives on. */
  get isLive(): boolean {
    const { phase } = this.snapshot.status;
    return phase === 'connected' || phase === 'reconnecting';
  }

  /**
   * Whether the session would survive losing the page's socket (telgate.v2 with a grace time): a reload
   * gets it back, so leaving the page needs no warning.
   */
  get isResumable(): boolean {
    return this.resume !== undefined;
  }

  /**
   * Whether closing or reloading the page would end a live session for good: telgate.v1, or a gateway
   * that keeps no session for its page (grace 0). A resumable session comes back after a reload.
   */
  get endsWithPage(): boolean {
    return this.isLive && !this.isResumable;
  }

  /** Whether there is something to reconnect to. */
  get canReconnect(): boolean {
    return this.last !== undefined || this.watching !== undefined;
  }

  /** Whether this page watches another's session read-only (nothing it does reaches the host). */
  get isWatching(): boolean {
    return this.watching !== undefined;
  }

  // ------------------------------------------------------------------ lifecycle

  /**
   * Opens a session to `target`, ending the current one first. When this tab holds the credential of a
   * session to `target` that lives on at the gateway (the page was reloaded), that session is resumed
   * instead.
   */
  connect(target: ConnectTarget, token?: string): void {
    const awayFromSame = this.away !== undefined && this.last && sameTarget(this.last.target, target);
    if (awayFromSame && this.resume && this.last) {
      // Already getting this session back: carry on with the (possibly fresh) token, now.
      this.last = { target, token };
      this.attemptResume(this.resume.credential);
      return;
    }
    this.endSession();
    this.watching = undefined;
    this.last = { target, token };
    this.trace.clear();
    const stored = this.store.load(target);
    if (stored) {
      this.resume = stored;
      this.input.reset(false);
      this.sessionSince = undefined;
      const now = this.now();
      this.away = { since: now, deadline: now + stored.graceSeconds * 1000, attempts: 0 };
      this.update({
        ...INITIAL,
        status: { phase: 'reconnecting', since: now, attempt: 1 },
        requested: target,
      });
      this.attemptResume(stored.credential);
      return;
    }
    this.input.reset(true);
    this.update({ ...INITIAL, status: { phase: 'connecting', since: this.now() }, requested: target });
    this.open(socketUrl(this.options.pageUrl, target, token), undefined);
  }

  /**
   * Watches a live session read-only (`/ws?watch=<sessionId>`, a token with the `watch` grant): the
   * gateway sends the screen as it stands, then the output the user gets. Typing, actions, settings and
   * the terminal's size are not sent; when the socket goes, the watching ends (nothing to resume).
   */
  watch(sessionId: string, token?: string, gateway?: string): void {
    this.endSession();
    this.last = undefined;
    this.watching = { sessionId, token, gateway };
    this.trace.clear();
    this.input.reset(false);
    this.update({ ...INITIAL, status: { phase: 'connecting', since: this.now() }, watching: sessionId });
    this.open(watchUrl(this.options.pageUrl, sessionId, token, gateway), undefined);
  }

  /** Connects again to the last target (or watches the same session again), with the same token or a fresh one. */
  reconnect(token?: string): void {
    if (this.watching) {
      const { sessionId, gateway } = this.watching;
      this.watch(sessionId, token ?? this.watching.token, gateway);
      return;
    }
    if (!this.last) return;
    this.connect(this.last.target, token ?? this.last.token);
  }

  /** Ends the session: the gateway then closes the host connection. */
  disconnect(): void {
    const conn = this.connection;
    const live = conn !== undefined && !conn.finished;
    if (!live && this.away === undefined) return;
    if (live) conn.socket.close(NORMAL_CLOSURE);
    this.end(CLOSED_BY_USER);
  }

  /**
   * Drops the connection without reporting it (the page or view is going away). Listeners stay: each
   * subscriber removes its own, so a view that mounts again keeps working.
   */
  dispose(): void {
    this.endSession();
  }

  // ------------------------------------------------------------------ what the user does

  /**
   * Typed or pasted text (UTF-8 on the wire). Sent while connected; while reconnecting it waits (up to
   * a bound) and is sent once the session is back. Returns whether it was sent or kept.
   */
  sendInput(text: string): boolean {
    if (text.length === 0 || this.watching) return false;
    const conn = this.liveConnection();
    if (conn) {
      const frame = encodeInputText(text);
      conn.socket.send(frame);
      this.input.record(frame.subarray(INPUT_HEADER_SIZE));
      return true;
    }
    if (this.snapshot.status.phase !== 'reconnecting') return false;
    const bytes = encodeInputText(text).subarray(INPUT_HEADER_SIZE);
    if (!this.input.hold(bytes)) {
      this.update({ inputRefused: true });
      return false;
    }
    this.update({ queuedInput: this.input.queuedBytes });
    return true;
  }

  sendAction(action: Action): boolean {
    return this.sendWhenConnected(() => encodeClientFrame({ type: 'action', action }));
  }

  /** Logout (RFC 727): the host's answer arrives as a `logout` event and in the snapshot. */
  logout(): boolean {
    if (this.snapshot.logout === 'pending') return false;
    if (!this.sendAction('logout')) return false;
    this.update({ logout: 'pending' });
    return true;
  }

  /** Forgets the outcome of the last Logout (the user read it). */
  dismissLogout(): void {
    if (this.snapshot.logout !== 'idle' && this.snapshot.logout !== 'pending')
      this.update({ logout: 'idle' });
  }

  /** Answers the host's auto-logout warning with DONT LOGOUT. */
  stayLoggedIn(): boolean {
    if (!this.sendAction('stay-logged-in')) return false;
    this.update({ autoLogoutWarning: false });
    return true;
  }

  dismissNotice(id: number): void {
    this.update({ notices: this.snapshot.notices.filter((entry) => entry.id !== id) });
  }

  /** Forgets the last "Resumed" message (it was shown long enough). */
  dismissResumed(): void {
    if (this.snapshot.resumed) this.update({ resumed: undefined });
  }

  updateSettings(update: SettingsUpdate): boolean {
    const sent = this.sendWhenConnected(() => encodeClientFrame({ type: 'settings', settings: update }));
    if (sent) this.events.emit('settings', update);
    return sent;
  }

  /** The terminal's size in cells; sent now if it changed, and on every new connection. */
  resize(cols: number, rows: number): void {
    if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1) return;
    this.size = { cols: Math.min(cols, 0xffff), rows: Math.min(rows, 0xffff) };
    const conn = this.connection;
    if (conn?.opened && !conn.finished && !conn.resuming) this.sendSize(conn);
  }

  // ------------------------------------------------------------------ sockets

  /** Opens a socket: a new session, or (with `resumeWith`) one that takes over a detached session. */
  private open(url: string, resumeWith: string | undefined): void {
    const readOnly = this.watching !== undefined;
    let connection: Connection | undefined;
    const guard =
      <Args extends unknown[]>(handler: (conn: Connection, ...args: Args) => void) =>
      (...args: Args) => {
        // Events of a socket this session has moved on from are ignored.
        if (connection && connection === this.connection && !connection.finished)
          handler(connection, ...args);
      };
    let socket: SocketHandle;
    try {
      socket = this.createSocket(url, SUBPROTOCOLS, {
        open: guard((conn) => this.onOpen(conn)),
        message: guard((conn, data: unknown) => this.onMessage(conn, data)),
        close: guard((conn, code: number) => this.onClose(conn, code)),
      });
    } catch (err) {
      // e.g. a URL the browser refuses: report it like any other failure to reach the gateway.
      this.end(pageError('WEB_ERR_GATEWAY_UNREACHABLE', err instanceof Error ? err.message : String(err)));
      return;
    }
    const acks = new AckBatcher(
      (count) => {
        // An observer is not flow-controlled (the gateway drops one that falls behind): no ACKs.
        if (socket.isOpen && !readOnly) socket.send(encodeAck(count));
      },
      this.options.scheduleAck,
      this.options.ackThreshold ?? DEFAULT_ACK_THRESHOLD,
    );
    connection = {
      socket,
      readOnly,
      acks,
      protocol: SUBPROTOCOLS[1],
      ...(resumeWith === undefined ? {} : { resumeWith }),
      resuming: resumeWith !== undefined,
      opened: false,
      finished: false,
      lastMessageAt: this.now(),
    };
    this.connection = connection;
  }

  /** One attempt to get the session back: a new socket whose first frame is RESUME. */
  private attemptResume(credential: string): void {
    const away = this.away;
    const last = this.last;
    if (!away || !last) return;
    clearTimeout(away.timer);
    away.timer = undefined;
    this.dropConnection(DETACH_CLOSE_CODE);
    away.attempts++;
    this.update({ status: { phase: 'reconnecting', since: away.since, attempt: away.attempts } });
    this.open(socketUrl(this.options.pageUrl, last.target, last.token, this.resume?.gateway), credential);
  }

  /** The socket was lost, or an attempt failed: the next attempt after a backoff, within the grace time. */
  private scheduleResume(): void {
    const away = this.away;
    const credential = this.resume?.credential;
    if (!away || credential === undefined) return;
    const now = this.now();
    if (now >= away.deadline) {
      // The gateway has let the session go by now.
      this.end(resumeEnding('GW_ERR_RESUME_FAILED'));
      return;
    }
    const delay = Math.min(
      backoffDelay(away.attempts, this.options.resumeBackoff ?? RESUME_BACKOFF, this.options.random),
      Math.max(0, away.deadline - now),
    );
    clearTimeout(away.timer);
    away.timer = setTimeout(() => this.attemptResume(credential), delay);
    this.update({
      status: { phase: 'reconnecting', since: away.since, attempt: away.attempts + 1, retryAt: now + delay },
    });
  }

  // ------------------------------------------------------------------ socket events

  private onOpen(conn: Connection): void {
    const protocol = SUBPROTOCOLS.find((name) => name === conn.socket.protocol);
    if (protocol === undefined) {
      this.fail(conn, pageError('WEB_ERR_SUBPROTOCOL', `the gateway selected "${conn.socket.protocol}"`));
      return;
    }
    conn.protocol = protocol;
    conn.opened = true;
    if (conn.readOnly) return;
    if (conn.resumeWith === undefined) {
      this.sendSize(conn);
      return;
    }
    if (protocol !== SUBPROTOCOL_V2) {
      // This gateway no longer keeps sessions for their page: the one that was kept is gone.
      conn.socket.close(NORMAL_CLOSURE);
      this.end(resumeEnding('GW_ERR_RESUME_FAILED'));
      return;
    }
    conn.socket.send(encodeClientFrame({ type: 'resume', credential: conn.resumeWith }));
  }

  private onMessage(conn: Connection, data: unknown): void {
    conn.lastMessageAt = this.now();
    if (this.snapshot.stalled) this.update({ stalled: false });
    if (!(data instanceof ArrayBuffer)) {
      this.fail(
        conn,
        pageError('WEB_ERR_BAD_FRAME', `a text message arrived; ${conn.protocol} is binary only`),
      );
      return;
    }
    const result = decodeServerFrame(data, conn.protocol);
    if (!result.ok) {
      this.fail(conn, pageError('WEB_ERR_BAD_FRAME', result.message));
      return;
    }
    this.onFrame(conn, result.frame);
  }

  private onFrame(conn: Connection, frame: ServerFrame): void {
    switch (frame.type) {
      case 'output':
        this.onOutput(conn, frame.data);
        return;
      case 'screen':
        this.onScreen(conn, frame);
        return;
      case 'state':
        this.onState(conn, frame);
        return;
      case 'settings':
        this.update({ settings: frame.settings });
        return;
      case 'option':
        this.update({ options: withOption(this.snapshot.options, frame.option, frame.side, frame.enabled) });
        return;
      case 'trace':
        this.trace.append(this.now(), frame.direction, frame.bytes);
        return;
      case 'logout-result':
        this.update({ logout: frame.result });
        this.events.emit('logout', frame.result);
        return;
      case 'notice':
        if (frame.notice.kind === 'resumed') this.onResumed(conn, frame.notice);
        else this.onNotice(frame.notice);
        return;
      case 'heartbeat':
        this.onHeartbeat(conn, frame.intervalMs);
        return;
    }
  }

  /** The first HEARTBEAT starts the stall watch; it follows the interval the gateway announces. */
  private onHeartbeat(conn: Connection, intervalMs: number): void {
    const first = conn.heartbeatMs === undefined;
    conn.heartbeatMs = intervalMs;
    if (first) this.watchForStall(conn, STALLED_AFTER_INTERVALS * intervalMs);
  }

  /** Checks, `delayMs` from now, whether the gateway has gone quiet for too long; and again after that. */
  private watchForStall(conn: Connection, delayMs: number): void {
    conn.stallTimer = setTimeout(() => {
      if (conn.finished || conn.heartbeatMs === undefined) return;
      const limit = STALLED_AFTER_INTERVALS * conn.heartbeatMs;
      const quiet = this.now() - conn.lastMessageAt;
      if (quiet >= limit) {
        const dead = Math.max(DEAD_AFTER_INTERVALS * conn.heartbeatMs, DEAD_AFTER_MIN_MS);
        if (quiet >= dead && this.resume && this.isConnected && !conn.resuming) {
          conn.socket.close(DETACH_CLOSE_CODE);
          this.detach(conn);
          return;
        }
        if (!this.snapshot.stalled) this.update({ stalled: true });
        this.watchForStall(conn, limit);
      } else {
        this.watchForStall(conn, limit - quiet);
      }
    }, delayMs);
  }

  private onOutput(conn: Connection, data: Uint8Array): void {
    const count = data.length;
    if (count === 0) return; // nothing to acknowledge: ACK counts start at 1
    if (!this.sink) {
      conn.acks.rendered(count);
      return;
    }
    this.sink.write(data, () => conn.acks.rendered(count));
  }

  /** The whole terminal (after a resume, or after output was skipped): redrawn from scratch. */
  private onScreen(conn: Connection, frame: Extract<ServerFrame, { type: 'screen' }>): void {
    const count = frame.data.length;
    const rendered = () => {
      if (count > 0) conn.acks.rendered(count);
    };
    if (this.sink?.screen) this.sink.screen(frame.cols, frame.rows, frame.data, rendered);
    else if (this.sink && count > 0) this.sink.write(frame.data, rendered);
    else rendered();
    // The host learns the page's size, if it differs from the screen's.
    this.sendSize(conn);
  }

  private onState(conn: Connection, frame: Extract<ServerFrame, { type: 'state' }>): void {
    const known = {
      ...(frame.target ? { target: frame.target } : {}),
      ...(frame.sessionId ? { sessionId: frame.sessionId } : {}),
    };
    switch (frame.state) {
      case 'connecting':
        this.update(known);
        return;
      case 'connected': {
        if (!conn.readOnly) this.keepCredential(frame.resume);
        if (conn.resumeWith !== undefined) {
          // A resumed session is shown connected once the gateway has said how much input it got.
          this.update(known);
          return;
        }
        const now = this.now();
        this.sessionSince = now;
        this.update({ ...known, status: { phase: 'connected', since: now } });
        this.events.emit('connected', { target: this.snapshot.target, sessionId: this.snapshot.sessionId });
        return;
      }
      case 'closed': {
        this.update(known);
        const ending = describeEnding({
          stateClosed: true,
          opened: true,
          ...(frame.code ? { stateCode: frame.code } : {}),
          ...(frame.reason ? { stateReason: frame.reason } : {}),
        });
        // The gateway closes the socket next; closing from here too guards against one that does not.
        conn.socket.close(NORMAL_CLOSURE);
        this.end(ending);
        return;
      }
    }
  }

  /** The latest way back into the session (it changes on every resume); none on telgate.v1 or grace 0. */
  private keepCredential(info: ResumeInfo | undefined): void {
    const target = this.last?.target;
    if (info && info.graceSeconds > 0) {
      this.resume = {
        credential: info.credential,
        graceSeconds: info.graceSeconds,
        ...(info.gateway !== undefined && { gateway: info.gateway }),
      };
      if (target) this.store.save(target, this.resume);
    } else {
      this.resume = undefined;
      if (target) this.store.clear(target);
    }
  }

  /** The socket has the session back: input the gateway did not get goes again, then what was typed meanwhile. */
  private onResumed(conn: Connection, notice: Extract<Notice, { kind: 'resumed' }>): void {
    if (!conn.resuming) return; // only a socket that sent RESUME takes a session over
    conn.resuming = false;
    const fromReload = this.sessionSince === undefined;
    const plan = this.input.resume(notice.inputReceived);
    for (const bytes of plan.resend) conn.socket.send(encodeInput(bytes));
    for (const bytes of plan.queued) {
      conn.socket.send(encodeInput(bytes));
      this.input.record(bytes);
    }
    if (this.away) clearTimeout(this.away.timer);
    this.away = undefined;
    const now = this.now();
    this.sessionSince ??= now;
    this.update({
      status: { phase: 'connected', since: this.sessionSince },
      resumed: { at: now, awayMs: notice.awayMs, inputLost: plan.lost },
      queuedInput: 0,
      inputRefused: false,
    });
    this.sendSize(conn);
    if (fromReload)
      this.events.emit('connected', { target: this.snapshot.target, sessionId: this.snapshot.sessionId });
    this.events.emit('resumed', { awayMs: notice.awayMs });
  }

  private onNotice(notice: Notice): void {
    if (notice.kind === 'auto-logout-warning') {
      this.update({ autoLogoutWarning: true });
    } else if (notice.kind === 'observers') {
      this.update({ observers: notice.count });
    } else {
      if (notice.kind === 'supdup')
        this.update({ supdup: notice.terminal ? { terminal: notice.terminal } : {} });
      // A flood that goes on skips output at every catch-up: one notice says how much in all.
      const earlier =
        notice.kind === 'output-skipped'
          ? this.snapshot.notices.find((e) => e.notice.kind === 'output-skipped')
          : undefined;
      const shown: Notice =
        notice.kind === 'output-skipped' && earlier?.notice.kind === 'output-skipped'
          ? { kind: 'output-skipped', bytes: earlier.notice.bytes + notice.bytes }
          : notice;
      const entry: NoticeEntry = { id: this.nextNoticeId++, at: this.now(), notice: shown };
      const kept = earlier ? this.snapshot.notices.filter((e) => e !== earlier) : this.snapshot.notices;
      this.update({ notices: [...kept, entry].slice(-MAX_NOTICES) });
      if (isInformational(notice)) setTimeout(() => this.dismissNotice(entry.id), INFO_NOTICE_MS);
    }
    this.events.emit('notice', notice);
  }

  private onClose(conn: Connection, code: number): void {
    if (conn.resuming) {
      this.onResumeAttemptClosed(conn, code);
      return;
    }
    if (this.isConnected && this.resume && isDetachingLoss(code)) {
      this.detach(conn);
      return;
    }
    this.finish(conn, describeEnding({ closeCode: code, opened: conn.opened }));
  }

  /** An attempt to resume did not get the session back: why decides whether to try again. */
  private onResumeAttemptClosed(conn: Connection, code: number): void {
    const resumeError = resumeErrorForCloseCode(code);
    if (resumeError !== undefined) {
      this.finish(conn, resumeEnding(resumeError, code));
      return;
    }
    if (!conn.opened || isDetachingLoss(code)) {
      // The gateway is not reachable yet (or dropped the attempt): try again while it keeps the session.
      this.retire(conn);
      this.scheduleResume();
      return;
    }
    // A refused token is renewed (the embedding page's job), and the session is resumed with the new one.
    const ending = describeEnding({ closeCode: code, opened: conn.opened });
    const tokenRefused = ending.code === 'GW_ERR_AUTH_FAILED' || ending.code === 'GW_ERR_TOKEN_EXPIRED';
    if (!conn.finished) this.end(ending, tokenRefused);
  }

  /** The socket is gone but the session lives on at the gateway: get it back. */
  private detach(conn: Connection): void {
    this.retire(conn);
    const now = this.now();
    const grace = (this.resume?.graceSeconds ?? 0) * 1000;
    this.away = { since: now, deadline: now + grace, attempts: 0 };
    this.update({
      status: { phase: 'reconnecting', since: now, attempt: 1 },
      autoLogoutWarning: false,
      stalled: false,
      resumed: undefined,
    });
    this.events.emit('detached', { at: now });
    this.scheduleResume();
  }

  // ------------------------------------------------------------------ helpers

  /** The connection input can go to right now. */
  private liveConnection(): Connection | undefined {
    const conn = this.connection;
    if (!conn || conn.finished || conn.readOnly || conn.resuming || !this.isConnected || !conn.socket.isOpen)
      return undefined;
    return conn;
  }

  private sendWhenConnected(encode: () => Uint8Array<ArrayBuffer>): boolean {
    const conn = this.liveConnection();
    if (!conn) return false;
    conn.socket.send(encode());
    return true;
  }

  private sendSize(conn: Connection): void {
    const size = this.size;
    if (!size || !conn.socket.isOpen || conn.readOnly) return;
    if (conn.sentSize?.cols === size.cols && conn.sentSize.rows === size.rows) return;
    conn.socket.send(encodeClientFrame({ type: 'resize', cols: size.cols, rows: size.rows }));
    conn.sentSize = size;
  }

  /** The page found a protocol problem: close the socket the way the protocol says, and end. */
  private fail(conn: Connection, ending: SessionEnding): void {
    conn.socket.close(closeCodeFor('GW_ERR_BAD_FRAME'), 'GW_ERR_BAD_FRAME');
    this.finish(conn, ending);
  }

  private finish(conn: Connection, ending: SessionEnding): void {
    if (conn.finished) return;
    this.end(ending);
  }

  /**
   * The session has ended for good: the socket is done with, the credential forgotten, and the UI
   * told. With `keepCredential` (a refused token while resuming), the stored credential stays, so
   * connecting again with a fresh token gets the session back.
   */
  private end(ending: SessionEnding, keepCredential = false): void {
    const conn = this.connection;
    if (conn) this.retire(conn);
    if (keepCredential) this.stopResuming();
    else this.forgetSession();
    this.update({
      status: { phase: 'closed', at: this.now(), ending },
      autoLogoutWarning: false,
      stalled: false,
      queuedInput: 0,
      inputRefused: false,
    });
    this.events.emit('closed', ending);
  }

  /** A socket this session is done with: no more events from it, nothing more sent on it. */
  private retire(conn: Connection): void {
    if (conn.finished) return;
    conn.finished = true;
    conn.acks.dispose();
    clearTimeout(conn.stallTimer);
  }

  /** Closes the current socket (if still open) with `code` and retires it. */
  private dropConnection(code: number): void {
    const conn = this.connection;
    this.connection = undefined;
    if (!conn || conn.finished) return;
    this.retire(conn);
    conn.socket.close(code);
  }

  /** No more resuming: the timer stops and the credential is forgotten (the session is over). */
  private forgetSession(): void {
    this.stopResuming();
    if (this.last) this.store.clear(this.last.target);
  }

  /** Stops getting the session back; what the tab stored stays. */
  private stopResuming(): void {
    if (this.away) clearTimeout(this.away.timer);
    this.away = undefined;
    this.resume = undefined;
    this.sessionSince = undefined;
  }

  /**
   * Leaves the current session without reporting it (a new one replaces it, or the page goes away). A
   * connected session's socket closes with 1000, so the gateway ends it too. One the page is getting
   * back still waits at the gateway for its grace time: the tab keeps its credential, and only the
   * attempt is dropped.
   */
  private endSession(): void {
    if (this.away !== undefined) {
      this.dropConnection(DETACH_CLOSE_CODE);
      this.stopResuming();
      return;
    }
    const live = this.connection !== undefined && !this.connection.finished;
    this.dropConnection(NORMAL_CLOSURE);
    // A session that already ended decided then what the tab keeps.
    if (live) this.forgetSession();
    else this.stopResuming();
  }

  private update(change: Partial<SessionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of [...this.listeners]) listener();
  }
}

/**
 * Whether a socket that closed with `code` (without a STATE closed first) leaves its session waiting
 * at the gateway: a network drop or an abnormal close does; the gateway's errors about the session
 * (the host went away, a bad frame, a refused token) and a normal close do not.
 */
export function isDetachingLoss(code: number): boolean {
  if (code === NORMAL_CLOSURE) return false;
  if (resumeErrorForCloseCode(code) !== undefined) return false;
  const gatewayError = errorForCloseCode(code);
  return gatewayError === undefined || SOCKET_ERRORS.has(gatewayError.code);
}

function sameTarget(a: ConnectTarget, b: ConnectTarget): boolean {
  if (a.kind === 'target' || b.kind === 'target')
    return a.kind === 'target' && b.kind === 'target' && a.id === b.id;
  return a.host === b.host && (a.port ?? 23) === (b.port ?? 23);
}

/** The option table with one side of one option changed, sorted by option code. */
function withOption(
  options: readonly OptionState[],
  option: number,
  side: 'local' | 'remote',
  enabled: boolean,
): OptionState[] {
  const current = options.find((entry) => entry.option === option) ?? { option, local: false, remote: false };
  const next = { ...current, [side]: enabled };
  return [...options.filter((entry) => entry.option !== option), next].sort((a, b) => a.option - b.option);
}
