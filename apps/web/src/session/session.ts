import {
  type Action,
  closeCodeFor,
  decodeServerFrame,
  type EffectiveSettings,
  encodeAck,
  encodeClientFrame,
  encodeInputText,
  type LogoutResult,
  type Notice,
  type ServerFrame,
  type SettingsUpdate,
  SUBPROTOCOL,
  type SupdupTerminal,
  type TargetInfo,
} from '@telgate/protocol';
import { AckBatcher, DEFAULT_ACK_THRESHOLD, type Scheduler } from './ack-batcher';
import { Emitter } from './emitter';
import { CLOSED_BY_USER, describeEnding, pageError, type SessionEnding } from './ending';
import {
  browserSocket,
  type ConnectTarget,
  type SocketFactory,
  type SocketHandle,
  socketUrl,
} from './socket';
import { TraceLog } from './trace-log';

/** Where the terminal renders OUTPUT; `rendered` is called once the bytes are on screen. */
export interface OutputSink {
  write(data: Uint8Array, rendered: () => void): void;
}

export type ConnectionStatus =
  | { readonly phase: 'idle' }
  | { readonly phase: 'connecting'; readonly since: number }
  | { readonly phase: 'connected'; readonly since: number }
  | { readonly phase: 'closed'; readonly at: number; readonly ending: SessionEnding };

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
  /**
   * The session speaks SUPDUP (RFC 734) rather than Telnet, with the terminal the gateway described to
   * the host when it said so: the Telnet commands do not apply, Logout does.
   */
  readonly supdup?: { readonly terminal?: SupdupTerminal };
}

export interface SessionEvents {
  connected: { target?: TargetInfo; sessionId?: string };
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
}

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
  supdup: undefined,
};

/** A connection is stalled after this many heartbeat intervals without any frame. */
const STALLED_AFTER_INTERVALS = 2;

/** One WebSocket's worth of state; a reconnect starts a new one. */
interface Connection {
  readonly socket: SocketHandle;
  readonly acks: AckBatcher;
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
 * A terminal session with the gateway over one WebSocket (subprotocol telgate.v1): decodes the
 * gateway's frames into a snapshot the UI renders, sends what the user does, and runs flow control
 * by acknowledging OUTPUT once the terminal has rendered it.
 */
export class TelgateSession {
  /** The negotiation trace of the current connection, for the inspector. */
  readonly trace = new TraceLog();
  private readonly events = new Emitter<SessionEvents>();
  private readonly listeners = new Set<() => void>();
  private snapshot: SessionSnapshot = INITIAL;
  private connection: Connection | undefined;
  private last: { target: ConnectTarget; token: string | undefined } | undefined;
  private size: { cols: number; rows: number } | undefined;
  private sink: OutputSink | undefined;
  private nextNoticeId = 1;
  private readonly createSocket: SocketFactory;
  private readonly now: () => number;

  constructor(private readonly options: SessionOptions) {
    this.createSocket = options.createSocket ?? browserSocket;
    this.now = options.now ?? Date.now;
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

  /** Whether there is something to reconnect to. */
  get canReconnect(): boolean {
    return this.last !== undefined;
  }

  // ------------------------------------------------------------------ lifecycle

  /** Opens a session to `target`, ending the current one first. */
  connect(target: ConnectTarget, token?: string): void {
    this.abandonConnection();
    this.last = { target, token };
    this.trace.clear();
    this.update({ ...INITIAL, status: { phase: 'connecting', since: this.now() }, requested: target });

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
      socket = this.createSocket(socketUrl(this.options.pageUrl, target, token), SUBPROTOCOL, {
        open: guard((conn) => this.onOpen(conn)),
        message: guard((conn, data: unknown) => this.onMessage(conn, data)),
        close: guard((conn, code: number) => this.onClose(conn, code)),
      });
    } catch (err) {
      // e.g. a URL the browser refuses: report it like any other failure to reach the gateway.
      const ending = pageError(
        'WEB_ERR_GATEWAY_UNREACHABLE',
        err instanceof Error ? err.message : String(err),
      );
      this.update({ status: { phase: 'closed', at: this.now(), ending } });
      this.events.emit('closed', ending);
      return;
    }
    const acks = new AckBatcher(
      (count) => {
        if (socket.isOpen) socket.send(encodeAck(count));
      },
      this.options.scheduleAck,
      this.options.ackThreshold ?? DEFAULT_ACK_THRESHOLD,
    );
    connection = { socket, acks, opened: false, finished: false, lastMessageAt: this.now() };
    this.connection = connection;
  }

  /** Connects again to the last target, with the same token (or a fresh one). */
  reconnect(token?: string): void {
    if (!this.last) return;
    this.connect(this.last.target, token ?? this.last.token);
  }

  /** Ends the session: the gateway then closes the host connection. */
  disconnect(): void {
    const conn = this.connection;
    if (!conn || conn.finished) return;
    conn.socket.close(1000);
    this.finish(conn, CLOSED_BY_USER);
  }

  /**
   * Drops the connection without reporting it (the page or view is going away). Listeners stay: each
   * subscriber removes its own, so a view that mounts again keeps working.
   */
  dispose(): void {
    this.abandonConnection();
  }

  // ------------------------------------------------------------------ what the user does

  /** Typed or pasted text (UTF-8 on the wire). Only while connected; returns whether it was sent. */
  sendInput(text: string): boolean {
    if (text.length === 0) return false;
    return this.sendWhenConnected(() => encodeInputText(text));
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
    if (conn?.opened && !conn.finished) this.sendSize(conn);
  }

  // ------------------------------------------------------------------ socket events

  private onOpen(conn: Connection): void {
    if (conn.socket.protocol !== SUBPROTOCOL) {
      this.fail(conn, pageError('WEB_ERR_SUBPROTOCOL', `the gateway selected "${conn.socket.protocol}"`));
      return;
    }
    conn.opened = true;
    this.sendSize(conn);
  }

  private onMessage(conn: Connection, data: unknown): void {
    conn.lastMessageAt = this.now();
    if (this.snapshot.stalled) this.update({ stalled: false });
    if (!(data instanceof ArrayBuffer)) {
      this.fail(conn, pageError('WEB_ERR_BAD_FRAME', 'a text message arrived; telgate.v1 is binary only'));
      return;
    }
    const result = decodeServerFrame(data);
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
        this.onNotice(frame.notice);
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

  private onState(conn: Connection, frame: Extract<ServerFrame, { type: 'state' }>): void {
    const known = {
      ...(frame.target ? { target: frame.target } : {}),
      ...(frame.sessionId ? { sessionId: frame.sessionId } : {}),
    };
    switch (frame.state) {
      case 'connecting':
        this.update(known);
        return;
      case 'connected':
        this.update({ ...known, status: { phase: 'connected', since: this.now() } });
        this.events.emit('connected', { target: this.snapshot.target, sessionId: this.snapshot.sessionId });
        return;
      case 'closed': {
        this.update(known);
        const ending = describeEnding({
          stateClosed: true,
          opened: true,
          ...(frame.code ? { stateCode: frame.code } : {}),
          ...(frame.reason ? { stateReason: frame.reason } : {}),
        });
        // The gateway closes the socket next; closing from here too guards against one that does not.
        conn.socket.close(1000);
        this.finish(conn, ending);
        return;
      }
    }
  }

  private onNotice(notice: Notice): void {
    if (notice.kind === 'auto-logout-warning') {
      this.update({ autoLogoutWarning: true });
    } else {
      if (notice.kind === 'supdup')
        this.update({ supdup: notice.terminal ? { terminal: notice.terminal } : {} });
      const entry: NoticeEntry = { id: this.nextNoticeId++, at: this.now(), notice };
      this.update({ notices: [...this.snapshot.notices, entry].slice(-MAX_NOTICES) });
      if (isInformational(notice)) setTimeout(() => this.dismissNotice(entry.id), INFO_NOTICE_MS);
    }
    this.events.emit('notice', notice);
  }

  private onClose(conn: Connection, code: number): void {
    this.finish(conn, describeEnding({ closeCode: code, opened: conn.opened }));
  }

  // ------------------------------------------------------------------ helpers

  private sendWhenConnected(encode: () => Uint8Array<ArrayBuffer>): boolean {
    const conn = this.connection;
    if (!conn || conn.finished || !this.isConnected || !conn.socket.isOpen) return false;
    conn.socket.send(encode());
    return true;
  }

  private sendSize(conn: Connection): void {
    const size = this.size;
    if (!size || !conn.socket.isOpen) return;
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
    conn.finished = true;
    conn.acks.dispose();
    clearTimeout(conn.stallTimer);
    this.update({
      status: { phase: 'closed', at: this.now(), ending },
      autoLogoutWarning: false,
      stalled: false,
    });
    this.events.emit('closed', ending);
  }

  /** Drops the current connection without reporting it (a new one replaces it, or the page goes away). */
  private abandonConnection(): void {
    const conn = this.connection;
    this.connection = undefined;
    if (!conn || conn.finished) return;
    conn.finished = true;
    conn.acks.dispose();
    clearTimeout(conn.stallTimer);
    conn.socket.close(1000);
  }

  private update(change: Partial<SessionSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of [...this.listeners]) listener();
  }
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
