import {
  type Action,
  AUTO_LOGIN_NOTICE,
  type BackspaceKey,
  type ClientFrame,
  closeCodeFor,
  type EffectiveSettings,
  encodeServerFrame,
  type GatewayErrorCode,
  type LocalEchoMode,
  type Notice,
  type ResumeInfo,
  type ServerFrame,
  type SessionState,
  SUBPROTOCOL,
  SUBPROTOCOL_V2,
} from '@telgate/protocol';
import { Cmd, Opt, optionName, TelnetEngine, type TelnetEvent } from '@telgate/telnet-core';
import type { WebSocket } from 'ws';
import { asGatewayError } from '../errors.js';
import { DEFAULT_SCREEN_OPTIONS, ScreenState } from '../screen/screen-state.js';
import type { QueuedMessage, ResumableSession, ResumeBinding, WatchRefusal } from '../sessions/resumable.js';
import { endingReason, type SessionContext, SHUTDOWN_REASON } from '../sessions/session.js';
import { type AutoLogin, type AutoLoginOutcome, lineBytes, startAutoLogin } from './auto-login.js';
import { BrowserLink } from './browser-link.js';
import { charsetProblem, HostCharset, isCp437Glyphs, isUtf8 } from './charset.js';
import { CommandThrottle } from './command-throttle.js';
import { FlowController, SharedPause } from './flow-controller.js';
import { HostAbuseGuard } from './host-abuse.js';
import { HostLink } from './host-link.js';
import { LogoutFlow } from './logout-flow.js';
import { type ObserverInfo, SessionObservers } from './observers.js';
import { OutputDiscard } from './output-discard.js';
import { OutputFramer, type OutputTap } from './output-framer.js';
import { RateWindow } from './rate-window.js';
import { IdleTimer, ResizeCoalescer } from './session-timers.js';
import { SupdupLink } from './supdup-link.js';
import type { UrgentSynchOptions } from './urgent-synch.js';

/** Tuning that is policy rather than configuration; tests shorten the timers. */
export interface RelayTimings {
  /** How long a Logout waits for WILL/WONT LOGOUT before reporting `timed-out`. */
  readonly logoutAnswerMs: number;
  /** After an accepted Logout, how long to wait for the host to close before closing ourselves. */
  readonly logoutCloseMs: number;
  /** Resize bursts (a window being dragged) are coalesced into one NAWS per this interval. */
  readonly resizeCoalesceMs: number;
  /** Output is discarded after an interrupt until the host's timing mark, but never longer than this. */
  readonly flushTimeoutMs: number;
  /** After a host chunk with this many Telnet commands, the host waits a turn of the event loop. */
  readonly maxCommandsPerTick: number;
  /** A host sending more Telnet commands than this in a second waits for the next second. */
  readonly maxCommandsPerSecond: number;
  /** At most this many warning notices reach the browser per second; the rest are only counted. */
  readonly maxNoticesPerSecond: number;
  /** At most this many TRACE frames reach the browser per second; the rest are only counted. */
  readonly maxTracesPerSecond: number;
  /** A subnegotiation going on this far past the engine's cap is abuse: GW_ERR_HOST_ABUSE. */
  readonly maxDiscardedSubnegotiationBytes: number;
  /** More negotiation violations than this in a second is abuse: GW_ERR_HOST_ABUSE. */
  readonly maxViolationsPerSecond: number;
  /** When the session ends, the host's socket gets this long to take the replies still queued. */
  readonly hostCloseGraceMs: number;
  /** A host that has sent nothing this long after the connection opened gets the user a hint. */
  readonly silentHostNoticeMs: number;
  /**
   * Responsive output: a browser that was sent the screen goes back to live output only if the host
   * printed at most this much while the page drew it; more, and a flood is still on, so it gets a newer
   * screen instead of a window of backlog.
   */
  readonly settleBytes: number;
  /** Responsive output: a browser that is behind gets at most one screen per this interval. */
  readonly screenIntervalMs: number;
  /** How a Synch's urgent data is sent; tests point it at a missing perl. */
  readonly urgentSynch?: UrgentSynchOptions;
}

export const DEFAULT_TIMINGS: RelayTimings = {
  logoutAnswerMs: 5_000,
  logoutCloseMs: 2_000,
  resizeCoalesceMs: 40,
  flushTimeoutMs: 2_000,
  maxCommandsPerTick: 1_024,
  maxCommandsPerSecond: 1_000_000,
  maxNoticesPerSecond: 5,
  maxTracesPerSecond: 1_000,
  maxDiscardedSubnegotiationBytes: 16 * 1024 * 1024,
  maxViolationsPerSecond: 100,
  hostCloseGraceMs: 1_000,
  silentHostNoticeMs: 10_000,
  settleBytes: 16 * 1024,
  screenIntervalMs: 20,
};

const ACTION_COMMANDS: Partial<Record<Action, number>> = {
  'are-you-there': Cmd.AYT,
  break: Cmd.BRK,
  'erase-char': Cmd.EC,
  'erase-line': Cmd.EL,
  nop: Cmd.NOP,
  'end-of-record': Cmd.EOR,
  'go-ahead': Cmd.GA,
};

/** What a session holds in its queues right now (for tests and diagnostics). */
export interface SessionFlowStats {
  /** Bytes queued toward the browser: OUTPUT and control frames alike. */
  readonly browserBuffered: number;
  /** Bytes written toward the host and not yet taken by its socket. */
  readonly hostBuffered: number;
  /** OUTPUT payload bytes sent and not yet acknowledged. */
  readonly unacked: number;
  /** Reading from the browser is paused. */
  readonly browserPaused: boolean;
  /** Reading from the host is paused. */
  readonly hostPaused: boolean;
}

const DEL = 0x7f;
const BS = 0x08;
/** How long a SUPDUP session waits for the page's size before it starts in the default size. */
const SUPDUP_SIZE_WAIT_MS = 1_000;
/** The size a screen state starts at, until the browser reports its own. */
const DEFAULT_SIZE = { cols: 80, rows: 24 };

/** How a session ended, beyond its code: for sessions that ended without a socket. */
interface FinishOptions {
  /** The outcome to count and log instead of the one read from the code. */
  readonly outcome?: string;
  /** The close code the socket closed with, when the browser closed it. */
  readonly closeCode?: number;
}

/**
 * One browser terminal bridged to one Telnet host. Host bytes go through the Telnet engine and the
 * host's charset to the browser as OUTPUT frames; typed input goes the other way. The concerns live in
 * their own modules: the browser link (socket, pings, frames, acknowledgements), the host link (socket
 * and close mapping), the output framer, the flow controller, the discard after an interrupt, the
 * logout flow, rate windows and timers; this class wires them.
 *
 * On telgate.v2 the session outlives its browser link: when the socket goes away without the page
 * ending the session (close 1000), the session is detached — the host connection stays, its output
 * goes on into the screen state — until a new socket resumes it or the grace period ends.
 */
export class TelnetSession implements ResumableSession {
  private host: HostLink | undefined;
  /** The browser's socket now; undefined while detached. */
  private link: BrowserLink | undefined;
  /** telgate.v2 with a grace period: the session may outlive its socket. */
  private readonly resumable: boolean;
  private readonly graceMs: number;
  /** The terminal as the browser sees it, for a browser that comes back (resumable sessions only). */
  private readonly screen: ScreenState | undefined;
  /** Where output goes besides the browser: the screen state and the recording. */
  private readonly tap: OutputTap | undefined;
  /** Output `responsive`: a browser that falls behind gets the screen instead of the backlog. */
  private readonly responsive: boolean;
  /**
   * Responsive output only, where the browser stands: `live` gets OUTPUT; `holding` has a full window,
   * and output is kept for it; `skipping` fell behind: output goes only into the screen state, counted,
   * until it is ready for the screen; `settling` was sent the screen and has not drawn it yet, and
   * output is kept for it.
   */
  private behind: 'live' | 'holding' | 'skipping' | 'settling' = 'live';
  /** Output kept for a browser that is holding or settling (copied: at most `limits.lowWaterBytes`). */
  private readonly held = new OutputFramer((bytes) => bytes.slice());
  /** Output goes into the screen state and is kept for the browser. */
  private readonly holdTap: OutputTap = {
    write: (data) => {
      this.tap?.write(data);
      this.held.collect(data);
    },
  };
  private skippedBytes = 0;
  /** A snapshot is being taken for a browser that caught up. */
  private catchingUp = false;
  /** A SCREEN was sent to a browser that is behind, and it has not acknowledged it yet. */
  private screenUnseen = false;
  private lastScreenAt = Number.NEGATIVE_INFINITY;
  /** Holds the next screen back until the frame interval is over. */
  private frameTimer: NodeJS.Timeout | undefined;
  /** A credential was handed out: a socket going away detaches the session instead of ending it. */
  private detachable = false;
  private detachedAt: number | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  /** INPUT payload bytes received from browsers, every link together. */
  private inputReceived = 0;
  readonly binding: ResumeBinding;
  private engine: TelnetEngine | undefined;
  /** The host's charset, both ways; the user can switch it during the session. */
  private readonly charset: HostCharset;
  private readonly abort = new AbortController();
  private closed = false;

  private backspace: BackspaceKey;
  /**
   * The page's local echo choice. The gateway does not echo; it keeps the choice for the session and
   * reports it in every SETTINGS frame, so that a page that resumes the session gets it back.
   */
  private localEcho: LocalEchoMode = 'auto';

  private output: OutputFramer;
  /** Set once the session speaks SUPDUP: host bytes and typed input go through it. */
  private supdup: SupdupLink | undefined;
  /** A `protocol: supdup` session waiting for the page's size before it sends the initialization. */
  private supdupSizeTimer: NodeJS.Timeout | undefined;
  /** Reading from the host, paused while its output or replies cannot be queued. */
  private readonly hostReads: SharedPause;
  /** Host → browser: the host is read only while the browser keeps up (and freely while detached). */
  private readonly toBrowser: FlowController;
  /** Browser → host: the browser is not read while the host does not read. */
  private readonly toHost: FlowController;
  /** The engine's replies toward a host that does not read: the host is not read either. */
  private readonly hostReplies: FlowController;
  private readonly discard: OutputDiscard;
  private readonly logout: LogoutFlow;
  private readonly idle: IdleTimer;
  private readonly resize: ResizeCoalescer;
  private readonly commands: CommandThrottle;
  private readonly abuse: HostAbuseGuard;
  private readonly traces: RateWindow;
  /** A Synch's urgent send is running; another was asked for meanwhile. */
  private synchInFlight = false;
  private synchAgain = false;
  /** The user has been told that a Synch went without urgent data. */
  private urgentUnavailableTold = false;
  /** The host left a DO TIMING-MARK unanswered: output after an interrupt is no longer discarded. */
  private ignoresTimingMark = false;
  /** Until the host's first byte: some hosts wait for the user to speak first, and the page looks frozen. */
  private silentHostTimer: NodeJS.Timeout | undefined;
  private tracesDropped = 0;
  private readonly notices: RateWindow;
  /** Answers the host's login prompts, until it is done or the user types. */
  private autoLogin: AutoLogin | undefined;

  private bytesFromHost = 0;
  private bytesToHost = 0;
  /** Read-only observers (`/ws?watch=`): they get the screen, then the output the user gets. */
  private readonly observers: SessionObservers;
  private watchSeq = 0;
  /** Observers are being sent the screen again (the user's size changed); `again`: changed once more since. */
  private observerRedraw: { again: boolean } | undefined;

  constructor(
    ws: WebSocket,
    private readonly ctx: SessionContext,
    private readonly timings: RelayTimings = DEFAULT_TIMINGS,
  ) {
    const { target, limits } = ctx;
    this.link = this.createLink(ws);
    this.graceMs = target.resume.graceSeconds * 1000;
    this.resumable = ws.protocol === SUBPROTOCOL_V2 && this.graceMs > 0;
    this.screen = this.resumable
      ? new ScreenState({ ...DEFAULT_SIZE, ...DEFAULT_SCREEN_OPTIONS })
      : undefined;
    this.responsive = this.screen !== undefined && target.output === 'responsive';
    const { journal } = ctx;
    const screen = this.screen;
    const announce = ctx.watch?.announce ?? true;
    this.observers = new SessionObservers(limits.highWaterBytes, {
      joined: (observer, count) => {
        ctx.log.info(
          { observer: observer.user, observerIp: observer.clientIp, observers: count },
          'observer joined',
        );
        ctx.journal?.observerJoined(observer.user, observer.clientIp, count);
        if (announce) this.sendNotice({ kind: 'observers', count });
      },
      left: (observer, count, why) => {
        ctx.log.info(
          { observer: observer.user, observerIp: observer.clientIp, observers: count, why },
          'observer left',
        );
        ctx.journal?.observerLeft(observer.user, observer.clientIp, count);
        if (announce && !this.closed) this.sendNotice({ kind: 'observers', count });
      },
    });
    const observers = this.observers;
    this.tap =
      journal?.recording === true
        ? {
            write: (data) => {
              screen?.write(data);
              journal.output(data);
              observers.output(data);
            },
          }
        : screen && {
            write: (data) => {
              screen.write(data);
              observers.output(data);
            },
          };
    this.screen?.onParsed(() => this.hostReads.release('screen'));
    this.binding = { targetId: target.id, user: ctx.user, origin: ctx.origin };
    this.charset = new HostCharset(target.charset);
    // SUPDUP's output is ASCII and the ITS graphics as UTF-8, whatever the target's charset.
    this.output = new OutputFramer(
      target.protocol === 'supdup' ? new HostCharset('UTF-8').decode : this.charset.decode,
    );
    this.backspace = target.backspace;
    this.hostReads = new SharedPause(
      () => this.host?.pause(),
      () => this.host?.resume(),
    );
    this.discard = new OutputDiscard(
      timings.flushTimeoutMs,
      () => this.toBrowser.update(),
      (until) => this.onDiscardTimeout(until),
    );
    // Output not yet acknowledged as rendered, and output still in the WebSocket's send buffer, must
    // both stay under the high-water mark. While stale output is being discarded there is nothing to
    // hold back, so the host is read on until its mark arrives.
    this.toBrowser = new FlowController({
      highWaterBytes: limits.highWaterBytes,
      lowWaterBytes: limits.lowWaterBytes,
      // Detached, nothing waits for a browser: the host is read on, into the screen state.
      pending: () => this.link?.pending ?? 0,
      hold: () => this.discard.active,
      pause: () => this.onBrowserFull(),
      resume: () => this.onBrowserReady(),
    });
    this.toHost = new FlowController({
      highWaterBytes: limits.highWaterBytes,
      lowWaterBytes: limits.lowWaterBytes,
      pending: () => this.host?.writableLength ?? 0,
      pause: () => this.link?.hold('host'),
      resume: () => this.link?.release('host'),
    });
    // Past the browser's share, only the engine's replies to the host's own commands can fill the
    // host's queue: stop reading those commands until the host reads again.
    this.hostReplies = new FlowController({
      highWaterBytes: 2 * limits.highWaterBytes,
      lowWaterBytes: limits.lowWaterBytes,
      pending: () => this.host?.writableLength ?? 0,
      pause: () => this.hostReads.hold('replies'),
      resume: () => this.hostReads.release('replies'),
    });
    this.logout = new LogoutFlow({
      answerMs: timings.logoutAnswerMs,
      closeMs: timings.logoutCloseMs,
      request: () => !!this.engine && !this.engine.isRaw && this.engine.requestLogout(),
      report: (result) => {
        this.ctx.journal?.logoutResult(result);
        this.sendFrame({ type: 'logout-result', result });
      },
      end: () => this.finish('GW_ERR_LOGGED_OUT', 'logged out'),
    });
    const idleMs = target.idleTimeoutSeconds * 1000;
    this.idle = new IdleTimer(idleMs, () =>
      this.finish('GW_ERR_IDLE_TIMEOUT', `no activity for ${idleMs / 1000} s`),
    );
    this.resize = new ResizeCoalescer(timings.resizeCoalesceMs, ({ cols, rows }) =>
      this.engine?.setWindowSize(cols, rows),
    );
    this.commands = new CommandThrottle({
      perTick: timings.maxCommandsPerTick,
      perSecond: timings.maxCommandsPerSecond,
      hold: () => this.hostReads.hold('commands'),
      release: () => this.hostReads.release('commands'),
    });
    this.abuse = new HostAbuseGuard({
      maxDiscardedSubnegotiationBytes: timings.maxDiscardedSubnegotiationBytes,
      maxViolationsPerSecond: timings.maxViolationsPerSecond,
      onAbuse: (detail) => this.finish('GW_ERR_HOST_ABUSE', detail),
    });
    this.traces = new RateWindow(timings.maxTracesPerSecond);
    this.notices = new RateWindow(timings.maxNoticesPerSecond);
  }

  /** Attaches the browser's listeners at once (messages queue until then), then dials the host. */
  start(): void {
    const link = this.link!;
    link.start();
    this.ctx.shutdown.addEventListener('abort', () => this.finish('GW_ERR_SHUTDOWN', SHUTDOWN_REASON));
    const stopNotices = this.ctx.gatewayNotices?.subscribe((notice) => this.sendNotice(notice));
    if (stopNotices) this.ctx.signal.addEventListener('abort', stopNotices, { once: true });
    if (link.subprotocol !== SUBPROTOCOL && link.subprotocol !== SUBPROTOCOL_V2) {
      this.finish('GW_ERR_BAD_FRAME', `the client must offer the WebSocket subprotocol ${SUBPROTOCOL}`);
      return;
    }
    this.sendState({ state: 'connecting', target: this.targetInfo(), sessionId: this.ctx.sessionId });
    this.connect().catch((err: unknown) => this.fail(err));
  }

  private createLink(ws: WebSocket): BrowserLink {
    const link: BrowserLink = new BrowserLink(
      ws,
      this.ctx.limits,
      {
        frame: (frame) => {
          if (this.link === link && !this.closed) this.onFrame(frame);
        },
        closed: (code) => {
          if (this.link === link) this.onLinkClosed(code);
        },
        failed: (code, detail) => {
          if (this.link === link) this.onLinkFailed(code, detail);
        },
        drained: () => {
          if (this.link === link && this.toBrowser.paused) this.toBrowser.update();
        },
        error: (err) => this.fail(err),
      },
      (err) => this.ctx.log.warn({ err }, 'WebSocket error'),
    );
    return link;
  }

  // ------------------------------------------------------------------ detach and resume

  /** The socket closed: 1000 is the page ending the session; anything else detaches a resumable one. */
  private onLinkClosed(code: number): void {
    if (this.closed) return;
    if (code === 1000 || !this.detachable) {
      this.finish(undefined, 'the browser closed the session', { closeCode: code });
      return;
    }
    this.detach(`the browser's socket closed (${code})`);
  }

  /** A browser that stopped reading or answering: a resumable session waits for it to come back. */
  private onLinkFailed(code: GatewayErrorCode, detail: string): void {
    if (this.closed) return;
    if (this.detachable && (code === 'GW_ERR_SLOW_CLIENT' || code === 'GW_ERR_CLIENT_GONE')) {
      this.link?.drop();
      this.detach(detail);
      return;
    }
    this.finish(code, detail);
  }

  private detach(why: string): void {
    this.link?.dispose();
    this.link = undefined;
    this.detachedAt = Date.now();
    this.stopSkipping();
    // Output held back for the browser flows again, into the screen state.
    this.toBrowser.update();
    this.flushOutput();
    this.ctx.log.debug({ why, graceSeconds: this.graceMs / 1000 }, 'session detached');
    this.ctx.journal?.detached(why, { bytesFromHost: this.bytesFromHost, bytesToHost: this.bytesToHost });
    clearTimeout(this.graceTimer);
    this.graceTimer = setTimeout(() => {
      this.graceTimer = undefined;
      if (this.closed || this.link) return;
      this.ctx.metrics.detachedEnded.inc({ reason: 'expired' });
      this.finish(undefined, `not resumed within ${this.graceMs / 1000} s`, { outcome: 'detach_expired' });
    }, this.graceMs);
    this.ctx.resumable.detached(this);
  }

  /** Ends a detached session to make room for others. */
  evict(reason: string): void {
    if (this.closed) return;
    this.ctx.log.info({ reason }, 'detached session ended to make room');
    this.finish(undefined, reason, { outcome: 'detach_evicted' });
  }

  screenBytes(): number {
    return this.screen?.approximateBytes ?? 0;
  }

  get sessionId(): string {
    return this.ctx.sessionId;
  }

  /** Whether the session has a browser socket now. */
  get attached(): boolean {
    return this.link !== undefined;
  }

  /**
   * A new socket resumed this session with its credential (the gateway checked target, user and
   * origin): it gets STATE connected with a new credential, SETTINGS, the SCREEN, a `resumed` notice,
   * then live output. A socket still attached is closed with GW_ERR_TAKEN_OVER.
   */
  attach(socket: WebSocket, queued: readonly QueuedMessage[], clientIp?: string): void {
    if (this.closed) {
      socket.send(
        encodeServerFrame({
          type: 'state',
          state: 'closed',
          code: 'GW_ERR_RESUME_FAILED',
          sessionId: this.sessionId,
        }),
      );
      socket.close(closeCodeFor('GW_ERR_RESUME_FAILED'), 'GW_ERR_RESUME_FAILED');
      return;
    }
    const previous = this.link;
    const awayMs = this.detachedAt === undefined ? 0 : Date.now() - this.detachedAt;
    if (previous) {
      this.ctx.metrics.takeovers.inc();
      this.ctx.metrics.resumes.inc({ outcome: 'taken_over' });
      previous.close('GW_ERR_TAKEN_OVER', 'the session was resumed on another socket', this.ctx.sessionId);
    } else {
      this.ctx.metrics.resumes.inc({ outcome: 'resumed' });
    }
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.detachedAt = undefined;
    // The new socket gets the screen: what the old one skipped is in it.
    this.stopSkipping();
    this.ctx.resumable.attached(this);
    const credential = this.ctx.resumable.issue(this);
    const link = this.createLink(socket);
    this.link = link;
    link.start();
    if (this.toHost.paused) link.hold('host');
    // Nothing new reaches the screen until its snapshot is sent: output after it follows as OUTPUT.
    this.hostReads.hold('resume');
    link.hold('resume');
    this.ctx.log.debug({ awayMs, takeover: previous !== undefined }, 'session resumed');
    this.ctx.journal?.resumed(clientIp ?? this.ctx.clientIp, awayMs);
    this.replay(link, credential, awayMs, queued)
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.hostReads.release('resume');
        link.release('resume');
      });
  }

  private async replay(
    link: BrowserLink,
    credential: string,
    awayMs: number,
    queued: readonly QueuedMessage[],
  ): Promise<void> {
    const snapshot = await this.screen!.snapshot();
    if (this.closed || this.link !== link) return;
    this.sendState({
      state: 'connected',
      target: this.targetInfo(),
      sessionId: this.ctx.sessionId,
      resume: this.resumeInfo(credential),
    });
    this.sendSettings();
    if (this.supdup) this.sendNotice({ kind: 'supdup', terminal: this.supdup.terminalInfo() });
    link.send({
      type: 'screen',
      cols: snapshot.cols,
      rows: snapshot.rows,
      data: Buffer.from(snapshot.data, 'utf8'),
    });
    this.sendFrame({
      type: 'notice',
      notice: { kind: 'resumed', awayMs, inputReceived: this.inputReceived },
    });
    if (this.observers.count > 0 && (this.ctx.watch?.announce ?? true)) {
      this.sendNotice({ kind: 'observers', count: this.observers.count });
    }
    // A session resumed while the gateway drains is told again when it will end.
    const gatewayNotice = this.ctx.gatewayNotices?.current();
    if (gatewayNotice) this.sendNotice(gatewayNotice);
    this.toBrowser.update();
    // Frames the browser sent right after its RESUME, in order.
    for (const message of queued) link.socket.emit('message', message.data, message.isBinary);
  }

  /**
   * Attaches a read-only observer (the gateway checked its token's `watch` grant and target): it gets
   * STATE connected (without a credential), SETTINGS, the SCREEN, then the output the user gets; what
   * it sends is ignored. Returns why it cannot watch, or undefined once it is attached.
   */
  watch(socket: WebSocket, observer: ObserverInfo): WatchRefusal | undefined {
    if (this.closed || !this.screen || !this.host)
      return { code: 'GW_ERR_WATCH_REFUSED', detail: 'the session has no screen to show' };
    const max = this.ctx.watch?.maxObservers ?? Number.POSITIVE_INFINITY;
    if (this.observers.count >= max) {
      return {
        code: 'GW_ERR_OVERLOADED',
        detail: `the session has ${this.observers.count} observers, its limit`,
      };
    }
    const screen = this.screen;
    // Nothing new reaches the screen until its snapshot is sent: output after it follows as OUTPUT.
    const hold = `watch-${++this.watchSeq}`;
    this.hostReads.hold(hold);
    screen
      .snapshot()
      .then((snapshot) => {
        if (socket.readyState !== socket.OPEN) return;
        if (this.closed) {
          socket.send(encodeServerFrame({ type: 'state', state: 'closed', sessionId: this.ctx.sessionId }));
          socket.close(1000);
          return;
        }
        socket.send(
          encodeServerFrame({
            type: 'state',
            state: 'connected',
            target: this.targetInfo(),
            sessionId: this.ctx.sessionId,
          }),
        );
        socket.send(encodeServerFrame({ type: 'settings', settings: this.effectiveSettings() }));
        socket.send(
          encodeServerFrame({
            type: 'screen',
            cols: snapshot.cols,
            rows: snapshot.rows,
            data: Buffer.from(snapshot.data, 'utf8'),
          }),
        );
        this.observers.add(socket, observer);
      })
      .catch((err: unknown) => {
        this.ctx.log.warn({ err }, 'the screen for an observer could not be taken');
        socket.close(closeCodeFor('GW_ERR_INTERNAL'), 'GW_ERR_INTERNAL');
      })
      .finally(() => this.hostReads.release(hold));
    return undefined;
  }

  /**
   * The user's terminal changed size: observers get the screen again, at that size, so what they see is
   * laid out as the user sees it. One redraw at a time; sizes that come meanwhile make one more.
   */
  private redrawObservers(): void {
    if (this.observers.count === 0 || !this.screen || this.closed) return;
    if (this.observerRedraw) {
      this.observerRedraw.again = true;
      return;
    }
    const redraw = { again: false };
    this.observerRedraw = redraw;
    // As for a new observer: nothing new reaches the screen until its snapshot is sent.
    const hold = `watch-${++this.watchSeq}`;
    this.hostReads.hold(hold);
    this.screen
      .snapshot()
      .then((snapshot) => {
        if (this.closed) return;
        this.observers.send({
          type: 'screen',
          cols: snapshot.cols,
          rows: snapshot.rows,
          data: Buffer.from(snapshot.data, 'utf8'),
        });
      })
      .catch((err: unknown) => {
        this.ctx.log.warn({ err }, 'the screen for the observers could not be taken');
      })
      .finally(() => {
        this.hostReads.release(hold);
        this.observerRedraw = undefined;
        if (redraw.again) this.redrawObservers();
      });
  }

  /** Runs one event's handling; whatever it throws ends this session only, with GW_ERR_INTERNAL. */
  private guard(handle: () => void): void {
    try {
      handle();
    } catch (err) {
      this.fail(err);
    }
  }

  private fail(err: unknown): void {
    this.ctx.log.error({ err }, 'session failed');
    this.finish('GW_ERR_INTERNAL', 'an unexpected error in the gateway');
  }

  private async connect(): Promise<void> {
    const { ctx } = this;
    let host: HostLink;
    try {
      host = await HostLink.open(ctx.address, ctx.limits.dialTimeoutMs, this.abort.signal, {
        data: (chunk) => {
          try {
            this.onHostData(chunk);
          } catch (err) {
            this.fail(err);
          }
        },
        drain: () => this.guard(() => this.updateHostQueue()),
        closed: (code, detail) => this.finish(code, detail),
        loggedOut: () => this.logout.accepted,
      });
    } catch (err) {
      const error = asGatewayError(err);
      if (!this.closed) ctx.metrics.connectErrors.inc({ code: error.code });
      this.finish(error.code, error.message);
      return;
    }
    if (this.closed) {
      host.destroy();
      return;
    }
    this.host = host;
    if (ctx.target.protocol === 'telnet') this.engine = this.createEngine();
    let resume: ResumeInfo | undefined;
    if (this.resumable) {
      resume = this.resumeInfo(ctx.resumable.issue(this));
      this.detachable = true;
      ctx.outliveSocket();
    }
    this.sendState({
      state: 'connected',
      target: this.targetInfo(),
      sessionId: ctx.sessionId,
      ...(resume && { resume }),
    });
    this.sendSettings();
    this.autoLogin = startAutoLogin(ctx.target, ctx.login, {
      sendLine: (text) => this.typeLine(text),
      report: (outcome) => this.onAutoLogin(outcome),
    });
    this.engine?.start();
    if (ctx.target.protocol === 'supdup') this.startSupdupWhenSized();
    this.idle.touch();
    this.silentHostTimer = setTimeout(() => {
      this.silentHostTimer = undefined;
      if (this.closed || this.bytesFromHost > 0) return;
      this.sendNotice({
        kind: 'warning',
        code: 'GW_WARN_HOST_SILENT',
        message: `Connected, but the host has sent nothing for ${Math.round(this.timings.silentHostNoticeMs / 1000)} s. Some hosts wait for you to press Enter first.`,
      });
    }, this.timings.silentHostNoticeMs);
    ctx.log.debug({ address: ctx.address.address, port: ctx.address.port }, 'connected to host');
  }

  private createEngine(): TelnetEngine {
    const { target, user } = this.ctx;
    const size = this.resize.size;
    return new TelnetEngine(
      {
        role: 'client',
        start: target.negotiation,
        policy: target.options,
        eol: target.eol,
        terminalTypes: target.terminalTypes,
        environ: user ? { USER: user } : {},
        // What the session starts with (configured, or chosen on connect) is what CHARSET agrees on.
        charsets: [isCp437Glyphs(target.charset) ? 'CP437' : target.charset],
        lostDm: isUtf8(target.charset) ? 'utf8' : 'expected',
        ...(size ? { windowSize: size } : {}),
      },
      // A failure in one event ends the session but not the engine's pass over the chunk, so the
      // replies it owes the host are still written.
      (event) => {
        if (this.closed && event.type !== 'send') return;
        // Inline rather than through guard(): this runs for every event, and a closure each is waste.
        try {
          this.onTelnetEvent(event);
        } catch (err) {
          this.fail(err);
        }
      },
    );
  }

  // ------------------------------------------------------------------ host → browser

  /**
   * `chunk` is the socket's own: Node gives every 'data' event a buffer it never reuses. The OUTPUT path
   * relies on that: the engine's data events are views of `chunk` (telnet-core README, "Buffer
   * ownership"), kept in the output queue without a copy until the browser has them.
   */
  private onHostData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.silentHostTimer !== undefined) {
      clearTimeout(this.silentHostTimer);
      this.silentHostTimer = undefined;
    }
    this.bytesFromHost += chunk.length;
    this.ctx.metrics.bytesFromHost.inc(chunk.length);
    this.idle.touch();
    // The socket's read buffer is this session's alone: the engine may compact it in place.
    if (this.engine) this.engine.receive(chunk, true);
    else if (this.supdup) this.supdup.receive(chunk);
    else {
      this.output.collect(chunk);
      this.autoLogin?.hostBytes(chunk);
    }
    this.flushOutput();
    if (this.closed || !this.engine) return;
    this.commands.afterChunk();
    this.abuse.afterChunk(chunk.length);
  }

  private onTelnetEvent(event: TelnetEvent): void {
    switch (event.type) {
      case 'data':
        this.abuse.spoke();
        if (this.supdup) this.supdup.receive(event.data);
        else {
          if (!this.discard.active) this.output.collect(event.data);
          this.autoLogin?.hostBytes(event.data);
        }
        break;
      case 'send':
        this.writeHost(event.data);
        break;
      case 'command':
        if (event.command === Cmd.DM) this.discard.dataMark();
        break;
      case 'timing-mark':
        // A host that answers (if late) does support the mark after all.
        this.ignoresTimingMark = false;
        this.discard.timingMark();
        break;
      case 'trace':
        // Every command from the host is traced once: counted here, and only here.
        if (event.direction === 'in') {
          this.commands.count();
          this.abuse.spoke();
        }
        if (this.traces.take()) {
          this.sendFrame({ type: 'trace', direction: event.direction, bytes: event.bytes });
        } else this.tracesDropped++;
        break;
      case 'option':
        this.ctx.metrics.negotiations.inc({
          option: optionName(event.option),
          outcome: `${event.side}-${event.enabled ? 'enabled' : 'disabled'}`,
        });
        this.sendFrame({ type: 'option', side: event.side, option: event.option, enabled: event.enabled });
        if (event.option === Opt.ECHO && event.side === 'remote') this.sendSettings();
        break;
      case 'option-refused':
        this.ctx.metrics.negotiations.inc({
          option: optionName(event.option),
          outcome: `${event.side}-refused`,
        });
        break;
      case 'logout-warning':
        this.sendNotice({ kind: 'auto-logout-warning' });
        break;
      case 'logout':
        this.logout.answer(event.result);
        break;
      case 'mode':
        // RFC 736: the rest of the connection is SUPDUP; the screen state's cursor is not known in step.
        this.output = new OutputFramer(new HostCharset('UTF-8').decode);
        this.startSupdup();
        break;
      case 'charset':
        break;
      case 'warning':
        this.ctx.log.debug({ code: event.code }, event.message);
        this.abuse.warning(event.code);
        this.sendNotice({ kind: 'warning', code: event.code, message: event.message });
        break;
      default:
        break;
    }
  }

  private flushOutput(): void {
    const link = this.link;
    if (!link) this.output.flush(undefined, noop, this.tap);
    else if (this.behind !== 'live') this.keepBack(link);
    else if (link.sendOutput(this.output, this.tap) > 0) this.toBrowser.update();
    // The screen's terminal parses later: a host that outpaces it waits (the host is not read until the
    // terminal has parsed what it has), so its write queue stays bounded whoever else holds the host back.
    if (this.screen?.backlogged) {
      this.hostReads.hold('screen');
    }
    // Screens grow with output: past the memory bound, detached sessions give way (at most once a second).
    if (this.screen) this.ctx.resumable.checkMemory();
  }

  // ------------------------------------------------------------------ a browser that falls behind

  /**
   * Responsive output while the browser is not `live`: the output goes into the screen state as always,
   * and is kept for the browser (`holding`, `settling`) up to `limits.lowWaterBytes`; past that, or while
   * `skipping`, it is only counted — the screen state has it, and the browser will get the screen.
   */
  private keepBack(link: BrowserLink): void {
    const bytes = this.output.size;
    if (bytes === 0) return;
    const bound = this.behind === 'settling' ? this.timings.settleBytes : this.ctx.limits.lowWaterBytes;
    if (this.behind !== 'skipping' && this.held.size + bytes > bound) {
      // More came than a browser that is behind should be sent: it gets the screen instead, and the
      // output still waiting in the link to be sent is not sent either.
      const skipped = this.held.size + link.dropWaiting();
      this.skippedBytes += skipped;
      this.ctx.metrics.outputSkippedBytes.inc(skipped);
      this.held.clear();
      this.behind = 'skipping';
    }
    if (this.behind === 'skipping') {
      this.skippedBytes += bytes;
      this.ctx.metrics.outputSkippedBytes.inc(bytes);
      this.output.flush(undefined, noop, this.tap);
      this.checkBehind(link);
      return;
    }
    this.output.flush(undefined, noop, this.holdTap);
  }

  /**
   * The browser's window is full (output unacknowledged, or not taken by its socket). Lossless: the host
   * is not read until the browser catches up. Responsive: the host is read on; what it prints is held
   * for the browser, within a bound (see keepBack).
   */
  private onBrowserFull(): void {
    if (!this.responsive || !this.link) {
      this.hostReads.hold('output');
      return;
    }
    if (this.behind === 'live') this.behind = 'holding';
  }

  /** The browser's window is below the low-water mark again. */
  private onBrowserReady(): void {
    this.hostReads.release('output');
    if (this.link) this.checkBehind(this.link);
  }

  /**
   * Moves a browser that is behind on, whenever its window shrinks: held output goes out once it is
   * ready (`holding`) or has drawn the last screen (`settling`); a `skipping` one gets the screen once
   * it is ready.
   */
  private checkBehind(link: BrowserLink): void {
    if (this.closed || this.link !== link) return;
    // Nothing is sent after a SCREEN until it is drawn: an empty window means the page has drawn it.
    if (link.pending === 0) this.screenUnseen = false;
    switch (this.behind) {
      case 'live':
        return;
      case 'holding':
        if (link.pending <= this.ctx.limits.lowWaterBytes) this.goLive(link);
        return;
      case 'settling':
        // Not before the screen has been sent (and drawn).
        if (link.pending === 0 && !this.catchingUp) this.goLive(link);
        return;
      case 'skipping': {
        // Screens go at the page's pace: the next once it has drawn the last one, and never more often
        // than one per frame interval.
        if (this.catchingUp || this.frameTimer !== undefined) return;
        const ready = this.screenUnseen ? link.pending === 0 : link.pending <= this.ctx.limits.lowWaterBytes;
        if (!ready) return;
        const wait = this.lastScreenAt + this.timings.screenIntervalMs - performance.now();
        if (wait > 0) {
          this.frameTimer = setTimeout(() => {
            this.frameTimer = undefined;
            if (this.link) this.checkBehind(this.link);
          }, wait);
          return;
        }
        this.catchUp();
        return;
      }
    }
  }

  /** Output held back for the browser goes out, and live output follows it. */
  private goLive(link: BrowserLink): void {
    this.behind = 'live';
    link.sendOutput(this.held, undefined);
    this.toBrowser.update();
  }

  /** The session stops being behind without a catch-up (its socket went away, or a new one gets the screen). */
  private stopSkipping(): void {
    clearTimeout(this.frameTimer);
    this.frameTimer = undefined;
    this.screenUnseen = false;
    this.held.clear();
    this.skippedBytes = 0;
    if (this.behind === 'live') return;
    this.behind = 'live';
    // Output goes to the browser again, so the window holds the host back again.
    if (this.toBrowser.paused) this.onBrowserFull();
  }

  /**
   * The browser that fell behind is ready: an `output-skipped` notice, then the screen as it is now. The
   * host is read on meanwhile: what it prints after the snapshot's point in the output is held for the
   * browser (`settling`) and goes out as OUTPUT once the browser has drawn the screen — or, if a flood
   * goes on and more than the bound comes, the browser gets a newer screen instead (as in mosh: a
   * browser slower than the host gets the screen at its own pace, never a backlog).
   */
  private catchUp(): void {
    const link = this.link;
    const screen = this.screen;
    if (!link || !screen) {
      this.behind = 'live';
      return;
    }
    this.catchingUp = true;
    const skipped = this.skippedBytes;
    this.skippedBytes = 0;
    // Output from here on follows the snapshot: it is held for the browser (up to the bound).
    this.held.clear();
    this.behind = 'settling';
    screen
      .snapshot()
      .then((snapshot) => {
        if (this.closed || this.link !== link) return;
        this.sendFrame({ type: 'notice', notice: { kind: 'output-skipped', bytes: skipped } });
        link.send({
          type: 'screen',
          cols: snapshot.cols,
          rows: snapshot.rows,
          data: Buffer.from(snapshot.data, 'utf8'),
        });
        this.ctx.metrics.catchUpScreens.inc();
        this.screenUnseen = true;
        this.lastScreenAt = performance.now();
        this.ctx.log.debug({ skippedBytes: skipped }, 'browser caught up: screen sent');
        this.toBrowser.update();
      })
      // A session that ended meanwhile has disposed of its screen: nothing is left to send.
      .catch((err: unknown) => this.closed || this.fail(err))
      .finally(() => {
        this.catchingUp = false;
        // Output that came while the screen was taken may already be past the bound.
        if (this.link) this.checkBehind(this.link);
      });
  }

  /** The session has ended (its close may still be on its way to the browser). */
  get ended(): boolean {
    return this.closed;
  }

  /** What the session holds in its queues now. */
  stats(): SessionFlowStats {
    return {
      browserBuffered: this.link?.bufferedAmount ?? 0,
      hostBuffered: this.host?.writableLength ?? 0,
      unacked: this.link?.unacked ?? 0,
      browserPaused: this.link?.readsPaused ?? false,
      hostPaused: this.hostReads.paused,
    };
  }

  private onAck(count: number): void {
    const link = this.link;
    if (!link) return;
    if (!link.ack(count)) {
      this.finish(
        'GW_ERR_BAD_FRAME',
        `acknowledged ${count} bytes but only ${link.unacked} were unacknowledged`,
      );
      return;
    }
    this.toBrowser.update();
    this.checkBehind(link);
  }

  // ------------------------------------------------------------------ browser → host

  private onFrame(frame: ClientFrame): void {
    switch (frame.type) {
      case 'input':
        this.inputReceived += frame.data.length;
        this.idle.touch();
        this.autoLogin?.userTyped(frame.data);
        this.ctx.journal?.input(frame.data);
        this.onInput(frame.data);
        break;
      case 'resize':
        if (this.supdup) this.supdup.resize(frame.cols, frame.rows);
        else this.resize.request(frame.cols, frame.rows);
        if (this.supdupSizeTimer !== undefined) this.startSupdup();
        this.screen?.resize(frame.cols, frame.rows);
        this.ctx.journal?.resize(frame.cols, frame.rows);
        this.redrawObservers();
        break;
      case 'action':
        this.idle.touch();
        this.autoLogin?.userActed();
        this.ctx.journal?.action(frame.action);
        this.onAction(frame.action);
        break;
      case 'ack':
        this.onAck(frame.count);
        break;
      case 'settings': {
        const { eol, backspace, localEcho, charset } = frame.settings;
        if (eol !== undefined && this.engine) this.engine.eol = eol;
        if (backspace !== undefined) this.backspace = backspace;
        if (localEcho !== undefined) this.localEcho = localEcho;
        if (charset !== undefined) this.switchCharset(charset);
        this.sendSettings();
        break;
      }
      case 'resume':
        this.finish('GW_ERR_BAD_FRAME', 'RESUME is only allowed as the first frame of a socket');
        break;
    }
  }

  /** The user chose another charset: it applies to what follows; an unknown one changes nothing. */
  private switchCharset(charset: string): void {
    const problem = charsetProblem(charset);
    if (problem) {
      this.sendNotice({
        kind: 'warning',
        code: 'GW_WARN_BAD_CHARSET',
        message: `The character set stays ${this.charset.name}: ${problem}.`,
      });
      return;
    }
    this.charset.switchTo(charset);
  }

  private onInput(utf8: Uint8Array): void {
    if (!this.host) return;
    if (this.supdup || this.ctx.target.protocol === 'supdup') {
      this.supdup?.input(utf8);
      return;
    }
    let bytes = this.charset.encode(utf8);
    if (this.backspace === 'bs' && bytes.includes(DEL)) {
      bytes = Uint8Array.from(bytes, (b) => (b === DEL ? BS : b));
    }
    if (this.engine) this.engine.sendInput(bytes);
    else this.writeHost(bytes);
  }

  private onAction(action: Action): void {
    // An action may produce several commands (IP, then AO or DO TIMING-MARK): one segment, so the host
    // reads them together and answers the mark after the interrupt, not before its own prompt.
    this.host?.cork();
    let synch = false;
    try {
      synch = this.runAction(action);
    } finally {
      this.host?.uncork();
    }
    // After the uncork: what the action wrote is with the kernel, so the urgent DM comes after it.
    if (synch) this.sendSynch();
  }

  /** Runs an action; true when a Synch should follow what it wrote. */

  private runAction(action: Action): boolean {
    const engine = this.engine;
    if (this.supdup) {
      if (this.supdup.action(action) === 'logout') this.logout.answer('accepted');
      return false;
    }
    if (action === 'logout') {
      this.logout.ask();
      return false;
    }
    if (!engine || engine.isRaw) return false;
    switch (action) {
      case 'interrupt':
        engine.sendCommand(Cmd.IP);
        this.flushAfterInterrupt(engine);
        // RFC 1123 §3.2.4: IP SHOULD be followed by a Synch; a target setting, as BSD telnet's autosynch.
        return this.ctx.target.synchOnInterrupt;
      case 'synch':
        return true;
      case 'abort-output':
        // RFC 854: the host answers AO with a Synch; discard until its DM (the flush timeout bounds the
        // wait for hosts that send none).
        engine.sendCommand(Cmd.AO);
        this.discard.start('dm');
        return false;
      case 'stay-logged-in':
        engine.answerAutoLogout(false);
        return false;
      default: {
        const command = ACTION_COMMANDS[action];
        if (command !== undefined) engine.sendCommand(command);
        return false;
      }
    }
  }

  /**
   * RFC 854 Synch: IAC DM, the DM sent as TCP urgent data so the host discards the input queued before it.
   * Where urgent data cannot be sent, the DM goes in-band (harmless, and the IP still works) and the user
   * is told once why.
   */
  private sendSynch(): void {
    const host = this.host;
    if (!host) return;
    // One send at a time (each runs a process): Synchs asked for meanwhile become one more.
    if (this.synchInFlight) {
      this.synchAgain = true;
      return;
    }
    this.synchInFlight = true;
    void host.sendUrgentSynch(this.timings.urgentSynch).then((result) => {
      this.synchInFlight = false;
      if (this.closed || this.host !== host) return;
      if (this.synchAgain) {
        this.synchAgain = false;
        this.sendSynch();
      }
      if (result.ok) {
        if (this.traces.take()) {
          this.sendFrame({ type: 'trace', direction: 'out', bytes: Uint8Array.of(Cmd.IAC, Cmd.DM) });
        } else this.tracesDropped++;
        return;
      }
      this.engine?.sendCommand(Cmd.DM);
      this.ctx.log.debug({ reason: result.reason }, 'Synch sent without urgent data');
      if (this.urgentUnavailableTold) return;
      this.urgentUnavailableTold = true;
      this.sendNotice({
        kind: 'warning',
        code: 'GW_WARN_NO_URGENT_DATA',
        message: `The Synch was sent without TCP urgent data (${result.reason}); the host may not discard input queued before it.`,
      });
    });
  }

  /** RFC 1123 §3.4.5: after IP, flush output as the target says. */
  private flushAfterInterrupt(engine: TelnetEngine): void {
    const flush = this.ctx.target.interruptFlush;
    if (flush === 'ao' || flush === 'both') engine.sendCommand(Cmd.AO);
    if (flush === 'timing-mark' || flush === 'both') {
      engine.requestTimingMark();
      if (!this.ignoresTimingMark) this.discard.start('timing-mark');
    }
  }

  /** The host did not react to an interrupt or Abort Output in time: tell the user, and learn. */
  private onDiscardTimeout(until: 'timing-mark' | 'dm'): void {
    if (until === 'timing-mark') {
      this.ignoresTimingMark = true;
      this.sendNotice({
        kind: 'warning',
        code: 'GW_WARN_NO_TIMING_MARK',
        message:
          'The host did not answer the timing mark after the interrupt; output after an interrupt is no longer discarded.',
      });
    } else {
      this.sendNotice({
        kind: 'warning',
        code: 'GW_WARN_NO_SYNCH',
        message: 'The host did not answer Abort Output with a Synch; output is shown again.',
      });
    }
  }

  /** Types `text` and Enter at the host for the automatic sign-in; the text is never traced or logged. */
  private typeLine(text: string): void {
    if (this.closed || !this.host) return;
    // One write: the text and Enter (a CR, which the engine turns into the session's end of line).
    if (this.supdup) this.supdup.typeLine(text);
    else if (this.engine) this.engine.sendInput(this.charset.encode(Buffer.from(`${text}\r`, 'utf8')));
    else this.writeHost(lineBytes(this.charset.encode(Buffer.from(text, 'utf8')), this.ctx.target.eol));
  }

  private onAutoLogin(outcome: AutoLoginOutcome): void {
    if (this.closed) return;
    this.ctx.metrics.autoLogins.inc({ outcome: outcome.ok ? 'signed_in' : 'failed' });
    if (outcome.ok) {
      this.ctx.log.info({ autoLogin: 'signed-in' }, 'automatic sign-in succeeded');
      this.sendFrame({
        type: 'notice',
        notice: {
          kind: 'warning',
          code: AUTO_LOGIN_NOTICE.signedIn,
          message: `Signed in as ${outcome.username} automatically`,
        },
      });
    } else {
      this.ctx.log.info({ autoLogin: 'failed', reason: outcome.reason }, 'automatic sign-in failed');
      this.sendFrame({
        type: 'notice',
        notice: {
          kind: 'warning',
          code: AUTO_LOGIN_NOTICE.failed,
          message: `Automatic sign-in failed: ${outcome.reason}`,
        },
      });
    }
  }

  /** SUPDUP sends the size once: a session that has no size yet waits a moment for the page's first. */
  private startSupdupWhenSized(): void {
    if (this.resize.size) this.startSupdup();
    else this.supdupSizeTimer = setTimeout(() => this.guard(() => this.startSupdup()), SUPDUP_SIZE_WAIT_MS);
  }

  /** From now on the session speaks SUPDUP (RFC 734), in the size the browser has reported. */
  private startSupdup(): void {
    clearTimeout(this.supdupSizeTimer);
    this.supdupSizeTimer = undefined;
    if (this.closed || this.supdup) return;
    const size = this.resize.size ?? DEFAULT_SIZE;
    const supdupText = new TextDecoder('utf-8');
    this.supdup = new SupdupLink(
      size,
      { row: 0, col: 0 },
      {
        output: (utf8) => {
          // A copy: the engine reuses its buffer, and the UTF-8 decoder keeps views.
          if (!this.discard.active) this.output.collect(utf8.slice());
          // An automatic sign-in reads the prompts as the engine draws them, not the %TD codes.
          if (this.autoLogin?.active) this.autoLogin.hostText(supdupText.decode(utf8, { stream: true }));
        },
        send: (bytes) => (this.engine ? this.engine.sendData(bytes) : this.writeHost(bytes)),
        notice: (notice) => this.sendNotice(notice),
      },
    );
    this.supdup.start();
  }

  private writeHost(bytes: Uint8Array): void {
    if (!this.host || this.host.destroyed || bytes.length === 0) return;
    this.bytesToHost += bytes.length;
    this.ctx.metrics.bytesToHost.inc(bytes.length);
    this.host.write(bytes);
    this.updateHostQueue();
  }

  private updateHostQueue(): void {
    this.toHost.update();
    this.hostReplies.update();
  }

  // ------------------------------------------------------------------ frames and lifecycle

  private sendFrame(frame: ServerFrame): void {
    this.link?.send(frame);
  }

  private sendState(state: SessionState): void {
    this.sendFrame({ type: 'state', ...state });
  }

  /** How the page gets this session back: the credential, the grace time, the gateway holding it. */
  private resumeInfo(credential: string): ResumeInfo {
    const { gatewayId } = this.ctx;
    return {
      credential,
      graceSeconds: this.graceMs / 1000,
      ...(gatewayId !== undefined && { gateway: gatewayId }),
    };
  }

  private sendNotice(notice: Notice): void {
    if (notice.kind === 'warning' && !this.notices.take()) return;
    this.sendFrame({ type: 'notice', notice });
  }

  private sendSettings(): void {
    this.sendFrame({ type: 'settings', settings: this.effectiveSettings() });
  }

  private effectiveSettings(): EffectiveSettings {
    return {
      eol: this.engine?.eol ?? this.ctx.target.eol,
      backspace: this.backspace,
      localEcho: this.localEcho,
      charset: this.charset.name,
      remoteEcho: this.engine?.isEnabled('remote', Opt.ECHO) ?? false,
    };
  }

  private targetInfo() {
    const { target } = this.ctx;
    return {
      id: target.id,
      label: target.label,
      host: target.host,
      port: target.port,
      charset: target.charset,
      ...(target.terminalMode === 'normal' ? {} : { terminalMode: target.terminalMode }),
    };
  }

  /** Ends the session once: tells the browser why, closes both sides, frees every timer. */
  finish(code: GatewayErrorCode | undefined, reason: string, options: FinishOptions = {}): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.resize.dispose();
    this.autoLogin?.dispose();
    clearTimeout(this.silentHostTimer);
    clearTimeout(this.supdupSizeTimer);
    clearTimeout(this.graceTimer);
    this.held.clear();
    clearTimeout(this.frameTimer);
    this.idle.dispose();
    this.logout.dispose();
    this.discard.dispose();
    this.toBrowser.dispose();
    this.toHost.dispose();
    this.hostReplies.dispose();
    this.commands.dispose();
    this.output.clear();
    this.ctx.resumable.remove(this);
    this.observers.closeAll(code, reason, this.ctx.sessionId);
    this.screen?.dispose();
    // Replies to the host's last commands still go out: the engine writes them when it finishes the
    // chunk it may be handling now, so the connection is closed on the next turn, after what is queued.
    const host = this.host;
    if (host) {
      host.pause();
      setImmediate(() => host.close(this.timings.hostCloseGraceMs));
    }
    const link = this.link;
    let closeCode = options.closeCode;
    if (link) {
      if (closeCode === undefined && link.open) closeCode = code ? closeCodeFor(code) : 1000;
      link.close(code, reason, this.ctx.sessionId);
    }
    const outcome = options.outcome ?? endingReason(code);
    this.ctx.metrics.sessionCloses.inc({ reason: outcome });
    this.ctx.reportEnding({
      outcome,
      detail: reason,
      bytesFromHost: this.bytesFromHost,
      bytesToHost: this.bytesToHost,
      ...(this.tracesDropped > 0 && { extra: { tracesDropped: this.tracesDropped } }),
    });
    if (this.detachable) this.ctx.ended(closeCode);
  }
}

function noop(): void {}
