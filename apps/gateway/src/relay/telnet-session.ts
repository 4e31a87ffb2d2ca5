import type { Socket } from 'node:net';
import {
  type Action,
  type ClientFrame,
  closeCodeFor,
  decodeClientFrame,
  type EffectiveSettings,
  encodeServerFrame,
  type GatewayErrorCode,
  type LocalEchoMode,
  type LogoutResult,
  type Notice,
  OUTPUT_HEADER_SIZE,
  type SessionState,
  SUBPROTOCOL,
  writeOutputHeader,
} from '@telgate/protocol';
import { Cmd, Opt, optionName, TelnetEngine, type TelnetEvent } from '@telgate/telnet-core';
import type { RawData, WebSocket } from 'ws';
import type { BackspaceKey } from '../config/types.js';
import { asGatewayError } from '../errors.js';
import { endingReason, type SessionContext, SHUTDOWN_REASON } from '../sessions/session.js';
import {
  createHostDecoder,
  createHostEncoder,
  type HostDecoder,
  type HostEncoder,
  isUtf8,
} from './charset.js';
import { dialHost, hostErrorCode } from './dial.js';

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
  /** A host sending more Telnet commands than this per second is hostile: the session ends. */
  readonly maxCommandsPerSecond: number;
  /** At most this many warning notices reach the browser per second; the rest are only counted. */
  readonly maxNoticesPerSecond: number;
}

export const DEFAULT_TIMINGS: RelayTimings = {
  logoutAnswerMs: 5_000,
  logoutCloseMs: 2_000,
  resizeCoalesceMs: 40,
  flushTimeoutMs: 2_000,
  maxCommandsPerSecond: 2_000,
  maxNoticesPerSecond: 5,
};

const ACTION_COMMANDS: Partial<Record<Action, number>> = {
  'are-you-there': Cmd.AYT,
  break: Cmd.BRK,
  'erase-char': Cmd.EC,
  'erase-line': Cmd.EL,
  synch: Cmd.DM,
  nop: Cmd.NOP,
  'end-of-record': Cmd.EOR,
  'go-ahead': Cmd.GA,
};

const DEL = 0x7f;
const BS = 0x08;

/** OUTPUT frames from this size on, in at most this many parts, are sent without copying (see flushOutput). */
const FRAGMENT_FROM_BYTES = 16 * 1024;
const MAX_FRAGMENTS = 4;
/** An OUTPUT frame's header alone: the first fragment of a fragmented OUTPUT message. Never written to. */
const OUTPUT_HEADER = Buffer.alloc(OUTPUT_HEADER_SIZE);
writeOutputHeader(OUTPUT_HEADER);
const MORE_FRAGMENTS = { binary: true, fin: false } as const;
const LAST_FRAGMENT = { binary: true, fin: true } as const;

/**
 * One browser terminal bridged to one Telnet host. Host bytes go through the Telnet engine and the
 * host's charset to the browser as OUTPUT frames; typed input goes the other way. Flow control is end to
 * end: the browser acknowledges what it has rendered, and the host socket is paused while more than the
 * high-water mark is unacknowledged, so a flooding host cannot grow the gateway's memory.
 */
export class TelnetSession {
  private host: Socket | undefined;
  private engine: TelnetEngine | undefined;
  private readonly decode: HostDecoder;
  private readonly encode: HostEncoder;
  private readonly abort = new AbortController();
  private closed = false;

  private backspace: BackspaceKey;
  private localEcho: LocalEchoMode = 'auto';

  /** OUTPUT payload bytes sent and not yet acknowledged. */
  private unacked = 0;
  private hostPaused = false;
  /** Output between our interrupt (or Abort Output) and the host's timing mark or DM is stale: dropped. */
  private discarding: 'timing-mark' | 'dm' | undefined;

  /** Data parts produced while the engine handles one chunk; sent as one OUTPUT frame. */
  private outParts: Uint8Array[] = [];
  private outBytes = 0;

  private pendingSize: { cols: number; rows: number } | undefined;
  private resizeTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastActivity = 0;
  private logoutTimer: NodeJS.Timeout | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private logoutState: 'none' | 'asked' | 'accepted' = 'none';

  private commandsThisSecond = 0;
  private noticesThisSecond = 0;
  private windowStart = 0;

  private bytesFromHost = 0;
  private bytesToHost = 0;
  private readonly startedAt = Date.now();

  constructor(
    private readonly ws: WebSocket,
    private readonly ctx: SessionContext,
    private readonly timings: RelayTimings = DEFAULT_TIMINGS,
  ) {
    const { target } = ctx;
    this.decode = createHostDecoder(target.charset);
    this.encode = createHostEncoder(target.charset);
    this.backspace = target.backspace;
  }

  /** Attaches the browser's listeners at once (messages queue until then), then dials the host. */
  start(): void {
    this.ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    this.ws.on('close', () => this.finish(undefined, 'the browser closed the session'));
    this.ws.on('error', (err) => this.ctx.log.warn({ err }, 'WebSocket error'));
    this.ctx.shutdown.addEventListener('abort', () => this.finish('GW_ERR_SHUTDOWN', SHUTDOWN_REASON));
    if (this.ws.protocol !== SUBPROTOCOL) {
      this.finish('GW_ERR_BAD_FRAME', `the client must offer the WebSocket subprotocol ${SUBPROTOCOL}`);
      return;
    }
    this.sendState({ state: 'connecting', target: this.targetInfo(), sessionId: this.ctx.sessionId });
    void this.connect();
  }

  private async connect(): Promise<void> {
    const { ctx } = this;
    let host: Socket;
    try {
      host = await dialHost(ctx.address, ctx.limits.dialTimeoutMs, this.abort.signal);
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
    host.on('data', (chunk) => this.onHostData(chunk));
    // After an accepted Logout any way the host goes is the logout itself.
    const loggedOut = () => this.logoutState === 'accepted';
    const hostClosed = () =>
      this.finish(loggedOut() ? 'GW_ERR_LOGGED_OUT' : 'GW_ERR_HOST_CLOSED', 'the host closed the connection');
    host.on('end', hostClosed);
    host.on('close', hostClosed);
    host.on('error', (err: NodeJS.ErrnoException) => {
      this.finish(loggedOut() ? 'GW_ERR_LOGGED_OUT' : hostErrorCode(err), `${err.code ?? err.message}`);
    });

    if (ctx.target.mode === 'telnet') this.engine = this.createEngine();
    this.sendState({ state: 'connected', target: this.targetInfo(), sessionId: ctx.sessionId });
    this.sendSettings();
    this.engine?.start();
    this.touch();
    ctx.log.info({ address: ctx.address.address, port: ctx.address.port }, 'connected to host');
  }

  private createEngine(): TelnetEngine {
    const { target, user } = this.ctx;
    return new TelnetEngine(
      {
        role: 'client',
        start: target.negotiation,
        policy: target.options,
        eol: target.eol,
        terminalTypes: target.terminalTypes,
        environ: user ? { USER: user } : {},
        charsets: [target.charset],
        lostDm: isUtf8(target.charset) ? 'utf8' : 'expected',
        ...(this.pendingSize ? { windowSize: this.pendingSize } : {}),
      },
      (event) => this.onTelnetEvent(event),
    );
  }

  // ------------------------------------------------------------------ host → browser

  private onHostData(chunk: Buffer): void {
    this.bytesFromHost += chunk.length;
    this.ctx.metrics.bytesFromHost.inc(chunk.length);
    this.touch();
    if (this.engine) this.engine.receive(chunk);
    else this.collectOutput(chunk);
    this.flushOutput();
  }

  private onTelnetEvent(event: TelnetEvent): void {
    switch (event.type) {
      case 'data':
        if (this.discarding === undefined) this.collectOutput(event.data);
        break;
      case 'send':
        this.writeHost(event.data);
        break;
      case 'command':
        if (event.command === Cmd.DM && this.discarding === 'dm') this.stopDiscarding();
        this.countCommand();
        break;
      case 'timing-mark':
        if (this.discarding !== undefined) this.stopDiscarding();
        break;
      case 'trace':
        if (event.direction === 'in') this.countCommand();
        this.sendFrame({ type: 'trace', direction: event.direction, bytes: event.bytes });
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
        this.onLogoutAnswer(event.result);
        break;
      case 'mode':
        this.sendNotice({ kind: 'supdup' });
        break;
      case 'charset':
        break;
      case 'warning':
        this.ctx.log.debug({ code: event.code }, event.message);
        this.sendNotice({ kind: 'warning', code: event.code, message: event.message });
        break;
      default:
        break;
    }
  }

  private collectOutput(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const utf8 = this.decode(bytes);
    if (utf8.length === 0) return;
    this.outParts.push(utf8);
    this.outBytes += utf8.length;
  }

  /**
   * One OUTPUT frame per host chunk. A large one goes out as WebSocket fragments of one message — the
   * header, then the data parts as they are (views of the host's chunk) — so the bytes are not copied
   * into a frame buffer on their way; the browser still receives one message. A small one (a keystroke's
   * echo), or one cut into many parts by Telnet commands, is copied into one buffer, which costs less
   * than the extra writes.
   */
  private flushOutput(): void {
    const total = this.outBytes;
    if (total === 0) return;
    const parts = this.outParts;
    this.outParts = [];
    this.outBytes = 0;
    if (total >= FRAGMENT_FROM_BYTES && parts.length <= MAX_FRAGMENTS) {
      if (this.ws.readyState !== this.ws.OPEN) return;
      this.unacked += total;
      this.ws.send(OUTPUT_HEADER, MORE_FRAGMENTS);
      const last = parts.length - 1;
      for (let k = 0; k < last; k++) this.ws.send(parts[k]!, MORE_FRAGMENTS);
      this.ws.send(parts[last]!, LAST_FRAGMENT, this.onSent);
      this.updateFlow();
      return;
    }
    const frame = Buffer.allocUnsafe(OUTPUT_HEADER_SIZE + total);
    writeOutputHeader(frame);
    let offset = OUTPUT_HEADER_SIZE;
    for (const p of parts) {
      frame.set(p, offset);
      offset += p.length;
    }
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.unacked += total;
    this.ws.send(frame, this.onSent);
    this.updateFlow();
  }

  /** Written to the browser's socket: the WebSocket buffer may have drained below the low-water mark. */
  private readonly onSent = (): void => {
    if (this.hostPaused) this.updateFlow();
  };

  private onAck(count: number): void {
    if (count > this.unacked) {
      this.finish(
        'GW_ERR_BAD_FRAME',
        `acknowledged ${count} bytes but only ${this.unacked} were unacknowledged`,
      );
      return;
    }
    this.unacked -= count;
    this.updateFlow();
  }

  /**
   * Reads from the host only while the browser keeps up: output not yet acknowledged as rendered, and
   * output still in the WebSocket's send buffer, must both stay under the high-water mark; reading
   * resumes once both are under the low-water mark. While stale output is being discarded there is
   * nothing to hold back, so the host is read on until its mark arrives.
   */
  private updateFlow(): void {
    const host = this.host;
    if (!host || this.closed) return;
    const pending = Math.max(this.unacked, this.ws.bufferedAmount);
    const { highWaterBytes, lowWaterBytes } = this.ctx.limits;
    const pause =
      this.discarding === undefined &&
      (this.hostPaused ? pending > lowWaterBytes : pending >= highWaterBytes);
    if (pause === this.hostPaused) return;
    this.hostPaused = pause;
    if (pause) host.pause();
    else host.resume();
  }

  private startDiscarding(until: 'timing-mark' | 'dm'): void {
    this.discarding = until;
    // A host that never answers must not silence the terminal for good.
    clearTimeout(this.flushTimer);
    this.flushTimer = setTimeout(() => {
      if (this.discarding !== undefined) this.stopDiscarding();
    }, this.timings.flushTimeoutMs);
    this.updateFlow();
  }

  private stopDiscarding(): void {
    this.discarding = undefined;
    clearTimeout(this.flushTimer);
    this.updateFlow();
  }

  /** A host flooding Telnet commands (negotiation storm, endless TTYPE SEND, IAC NOP flood) is cut off. */
  private countCommand(): void {
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.commandsThisSecond = 0;
      this.noticesThisSecond = 0;
    }
    if (++this.commandsThisSecond > this.timings.maxCommandsPerSecond) {
      this.finish(
        'GW_ERR_PROTOCOL',
        `the host sent more than ${this.timings.maxCommandsPerSecond} Telnet commands in a second`,
      );
    }
  }

  // ------------------------------------------------------------------ browser → host

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    if (!isBinary) {
      this.finish('GW_ERR_BAD_FRAME', 'text messages are not part of the protocol');
      return;
    }
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    const result = decodeClientFrame(bytes);
    if (!result.ok) {
      this.finish(result.code, result.message);
      return;
    }
    this.onFrame(result.frame);
  }

  private onFrame(frame: ClientFrame): void {
    switch (frame.type) {
      case 'input':
        this.touch();
        this.onInput(frame.data);
        break;
      case 'resize':
        this.onResize(frame.cols, frame.rows);
        break;
      case 'action':
        this.touch();
        this.onAction(frame.action);
        break;
      case 'ack':
        this.onAck(frame.count);
        break;
      case 'settings': {
        const { eol, backspace, localEcho } = frame.settings;
        if (eol !== undefined && this.engine) this.engine.eol = eol;
        if (backspace !== undefined) this.backspace = backspace;
        if (localEcho !== undefined) this.localEcho = localEcho;
        this.sendSettings();
        break;
      }
    }
  }

  private onInput(utf8: Uint8Array): void {
    if (!this.host) return;
    let bytes = this.encode(utf8);
    if (this.backspace === 'bs' && bytes.includes(DEL)) {
      bytes = Uint8Array.from(bytes, (b) => (b === DEL ? BS : b));
    }
    if (this.engine) this.engine.sendInput(bytes);
    else this.writeHost(bytes);
  }

  private onResize(cols: number, rows: number): void {
    this.pendingSize = { cols, rows };
    if (this.resizeTimer) return;
    // The first size goes at once; the rest of a burst is coalesced.
    this.applySize();
    this.resizeTimer = setTimeout(() => {
      this.resizeTimer = undefined;
      this.applySize();
    }, this.timings.resizeCoalesceMs);
  }

  private applySize(): void {
    if (this.pendingSize && this.engine)
      this.engine.setWindowSize(this.pendingSize.cols, this.pendingSize.rows);
  }

  private onAction(action: Action): void {
    // An action may produce several commands (IP, then AO or DO TIMING-MARK): one segment, so the host
    // reads them together and answers the mark after the interrupt, not before its own prompt.
    this.host?.cork();
    try {
      this.runAction(action);
    } finally {
      this.host?.uncork();
    }
  }

  private runAction(action: Action): void {
    const engine = this.engine;
    if (action === 'logout') {
      this.startLogout();
      return;
    }
    if (!engine || engine.isRaw) return;
    switch (action) {
      case 'interrupt':
        engine.sendCommand(Cmd.IP);
        this.flushAfterInterrupt();
        return;
      case 'abort-output':
        // RFC 854: the host answers AO with a Synch; discard until its DM. A timing mark bounds the wait
        // for hosts that send none.
        engine.sendCommand(Cmd.AO);
        engine.requestTimingMark();
        this.startDiscarding('dm');
        return;
      case 'stay-logged-in':
        engine.answerAutoLogout(false);
        return;
      default: {
        const command = ACTION_COMMANDS[action];
        if (command !== undefined) engine.sendCommand(command);
      }
    }
  }

  /** RFC 1123 §3.4.5: after IP, flush output as the target says. */
  private flushAfterInterrupt(): void {
    const engine = this.engine!;
    const flush = this.ctx.target.interruptFlush;
    if (flush === 'ao' || flush === 'both') engine.sendCommand(Cmd.AO);
    if (flush === 'timing-mark' || flush === 'both') {
      engine.requestTimingMark();
      this.startDiscarding('timing-mark');
    }
  }

  private startLogout(): void {
    if (this.logoutState !== 'none') return;
    if (!this.engine || this.engine.isRaw || !this.engine.requestLogout()) {
      this.sendFrame({ type: 'logout-result', result: 'refused' });
      return;
    }
    this.logoutState = 'asked';
    this.logoutTimer = setTimeout(() => {
      this.logoutTimer = undefined;
      if (this.logoutState !== 'asked') return;
      this.logoutState = 'none';
      this.sendFrame({ type: 'logout-result', result: 'timed-out' });
    }, this.timings.logoutAnswerMs);
  }

  private onLogoutAnswer(result: 'accepted' | 'refused'): void {
    clearTimeout(this.logoutTimer);
    this.sendFrame({ type: 'logout-result', result: result satisfies LogoutResult });
    if (result === 'refused') {
      this.logoutState = 'none';
      return;
    }
    this.logoutState = 'accepted';
    // The host logs the user out and should close; if it does not, end the session ourselves.
    this.logoutTimer = setTimeout(
      () => this.finish('GW_ERR_LOGGED_OUT', 'logged out'),
      this.timings.logoutCloseMs,
    );
  }

  private writeHost(bytes: Uint8Array): void {
    if (!this.host || this.host.destroyed || bytes.length === 0) return;
    this.bytesToHost += bytes.length;
    this.ctx.metrics.bytesToHost.inc(bytes.length);
    this.host.write(bytes);
  }

  // ------------------------------------------------------------------ frames and lifecycle

  private sendFrame(frame: Parameters<typeof encodeServerFrame>[0]): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.ws.send(encodeServerFrame(frame));
  }

  private sendState(state: SessionState): void {
    this.sendFrame({ type: 'state', ...state });
  }

  private sendNotice(notice: Notice): void {
    if (notice.kind === 'warning' && ++this.noticesThisSecond > this.timings.maxNoticesPerSecond) return;
    this.sendFrame({ type: 'notice', notice });
  }

  private sendSettings(): void {
    const settings: EffectiveSettings = {
      eol: this.engine?.eol ?? this.ctx.target.eol,
      backspace: this.backspace,
      localEcho: this.localEcho,
      charset: this.ctx.target.charset,
      remoteEcho: this.engine?.isEnabled('remote', Opt.ECHO) ?? false,
    };
    this.sendFrame({ type: 'settings', settings });
  }

  private targetInfo() {
    const { target } = this.ctx;
    return {
      id: target.id,
      label: target.label,
      host: target.host,
      port: target.port,
      charset: target.charset,
    };
  }

  /** Notes activity; cheap enough for every chunk, since the idle timer is only re-armed when it fires. */
  private touch(): void {
    this.lastActivity = Date.now();
    if (this.idleTimer === undefined) this.armIdleTimer(this.ctx.target.idleTimeoutSeconds * 1000);
  }

  private armIdleTimer(delayMs: number): void {
    const limitMs = this.ctx.target.idleTimeoutSeconds * 1000;
    if (limitMs <= 0 || this.closed) return;
    this.idleTimer = setTimeout(() => {
      const idleMs = Date.now() - this.lastActivity;
      if (idleMs >= limitMs) this.finish('GW_ERR_IDLE_TIMEOUT', `no activity for ${limitMs / 1000} s`);
      else this.armIdleTimer(limitMs - idleMs);
    }, delayMs);
  }

  /** Ends the session once: tells the browser why, closes both sides, frees every timer. */
  finish(code: GatewayErrorCode | undefined, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    clearTimeout(this.resizeTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.logoutTimer);
    clearTimeout(this.flushTimer);
    this.outParts = [];
    this.host?.destroy();
    if (this.ws.readyState === this.ws.OPEN) {
      this.sendState({ state: 'closed', ...(code ? { code, reason } : {}), sessionId: this.ctx.sessionId });
      if (code) this.ws.close(closeCodeFor(code), code);
      else this.ws.close(1000);
    }
    this.ctx.metrics.sessionCloses.inc({ reason: endingReason(code) });
    this.ctx.log.info(
      {
        reason: endingReason(code),
        detail: reason,
        bytesFromHost: this.bytesFromHost,
        bytesToHost: this.bytesToHost,
        durationMs: Date.now() - this.startedAt,
      },
      'session closed',
    );
  }
}
