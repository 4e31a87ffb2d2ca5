import type { Socket } from 'node:net';
import { Cmd, Opt, type Side, TelnetEngine, type TelnetEvent } from '@telgate/telnet-core';
import {
  COMMAND_NAMES,
  type Command,
  type CommandContext,
  findCommand,
  parseCommandLine,
} from './commands.js';
import { LineEditor } from './line-editor.js';
import { DEFAULT_TITLE, renderBanner } from './reports.js';
import type { SessionView, WindowSize } from './session-view.js';
import { passesNvtUnchanged } from './streams.js';
import { TerminalTypeCycle } from './terminal-types.js';
import { CRLF, displayWidth, formatDuration, printable, toCrlf } from './text.js';

export const PROMPT = 'demo$ ';

export interface SessionSettings {
  readonly idleWarningMs: number;
  readonly logoutGraceMs: number;
  /** The banner waits this long at most for the client to finish negotiating. */
  readonly negotiationTimeoutMs: number;
  readonly maxLineLength: number;
  /** Shown in place of the default greeting line. */
  readonly banner: string | undefined;
  readonly onInternalError: (error: unknown) => void;
}

/** Typed text kept while a command runs (a terminal's type-ahead), in UTF-16 units; the rest is dropped. */
const MAX_TYPEAHEAD = 4096;
/** Past this much unsent output, the host stops reading the client until the client catches up. */
const MAX_UNSENT_OUTPUT = 256 * 1024;
/**
 * After a Telnet IP, the ^C and the new prompt wait this long. A client that sends DO TIMING-MARK after
 * its IP and discards output until the mark (as the gateway does) may have the DO TIMING-MARK arrive in a
 * later read; a prompt drawn before the mark's answer would be discarded.
 */
const INTERRUPT_SETTLE_MS = 30;
/** After the host ends a session, how long the client gets to close its side before the socket is reset. */
const CLOSE_DEADLINE_MS = 2000;

/** Telnet commands that show the user is there (a keep-alive NOP or a DM is not the user). */
const USER_COMMANDS = new Set<number>([
  Cmd.IP,
  Cmd.AO,
  Cmd.AYT,
  Cmd.BRK,
  Cmd.EC,
  Cmd.EL,
  Cmd.ABORT,
  Cmd.EOF,
  Cmd.SUSP,
]);

type Mode =
  /** Options are being negotiated; the banner comes once they settle. */
  | 'negotiating'
  /** At the prompt, editing a line. */
  | 'prompt'
  /** A command runs, or an interrupt settles; typed text waits, except Ctrl-C. */
  | 'running'
  /** The host ended the session and waits for the client to close. */
  | 'closing'
  | 'closed';

interface RunningCommand {
  readonly controller: AbortController;
  /** Abort Output: the command runs on, but its output is dropped (RFC 854). */
  muted: boolean;
}

/**
 * One client of the demo host: a Telnet server (telnet-core in the server role) in front of a tiny shell.
 *
 * The engine's answers to a chunk of input leave before the shell reacts to that chunk: a client that
 * sends IP then DO TIMING-MARK and discards output until the mark still sees the new prompt.
 */
export class DemoSession implements SessionView {
  private readonly engine: TelnetEngine;
  private readonly decoder = new TextDecoder('utf-8');
  private readonly editor: LineEditor;
  private readonly ttype = new TerminalTypeCycle();
  private mode: Mode = 'negotiating';
  /** Events of the chunk being received, handled once the engine has answered it. */
  private batch: TelnetEvent[] | undefined;
  /** Typed text not yet handled by the line editor. */
  private input = '';
  private running: RunningCommand | undefined;
  private inputPaused = false;

  private window: WindowSize | undefined;
  private windowChangedWhileBusy = false;
  private environReceived = false;
  private clientUser: string | undefined;
  private agreedCharset: string | undefined;
  private warnings = 0;

  private readonly connectedAt = Date.now();
  private lastInputAt = Date.now();
  private logoutWarningPending = false;

  private negotiationTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private graceTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private promptTimer: NodeJS.Timeout | undefined;

  /** Settles once the connection is closed and everything the session held is released. */
  readonly closed: Promise<void>;
  private markClosed!: () => void;

  constructor(
    private readonly socket: Socket,
    private readonly settings: SessionSettings,
    private readonly onClosed: (session: DemoSession) => void,
  ) {
    this.engine = new TelnetEngine({ role: 'server', start: 'active', charsets: ['UTF-8'] }, (event) =>
      this.onEngineEvent(event),
    );
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
    this.editor = new LineEditor({
      prompt: PROMPT,
      maxLength: settings.maxLineLength,
      completions: COMMAND_NAMES,
    });
  }

  start(): void {
    const { socket } = this;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.guarded(() => this.onSocketData(chunk)));
    socket.on('drain', () => this.resumeInput());
    // A reset or similar: 'close' follows, which is where everything is released.
    socket.on('error', () => {});
    socket.on('close', () => this.dispose());
    // WILL ECHO, WILL SGA, DO SGA, DO TTYPE, DO NAWS, DO NEW-ENVIRON (the server policy's requests).
    this.engine.start();
    this.negotiationTimer = setTimeout(
      () => this.guarded(() => this.showBanner()),
      this.settings.negotiationTimeoutMs,
    );
    this.armIdleTimer(this.settings.idleWarningMs);
  }

  /** Ends the session with a last message (the host is shutting down). */
  shutdown(message: string): void {
    this.endSession(message);
  }

  // ---------------------------------------------------------------- SessionView

  get terminalType(): string | undefined {
    return this.ttype.current;
  }

  get terminalTypes(): readonly string[] {
    return this.ttype.offered;
  }

  get windowSize(): WindowSize | undefined {
    return this.window;
  }

  get user(): string | undefined {
    return this.clientUser;
  }

  get charset(): string | undefined {
    return this.agreedCharset;
  }

  isEnabled(side: Side, option: number): boolean {
    return this.engine.isEnabled(side, option);
  }

  get protocolWarnings(): number {
    return this.warnings;
  }

  get idleWarningMs(): number {
    return this.settings.idleWarningMs;
  }

  get logoutGraceMs(): number {
    return this.settings.logoutGraceMs;
  }

  get idleForMs(): number {
    return Date.now() - this.lastInputAt;
  }

  get connectedForMs(): number {
    return Date.now() - this.connectedAt;
  }

  // ---------------------------------------------------------------- input

  private get ending(): boolean {
    return this.mode === 'closing' || this.mode === 'closed';
  }

  /** Whatever goes wrong inside the session ends that session, never the process. */
  private guarded(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.settings.onInternalError(error);
      try {
        this.endSession(`${CRLF}[demo host: internal error; closing the session]${CRLF}`);
      } catch {
        this.socket.destroy();
      }
    }
  }

  private onEngineEvent(event: TelnetEvent): void {
    if (event.type === 'send') {
      if (!this.socket.destroyed && !this.socket.writableEnded) this.socket.write(event.data);
    } else if (this.batch !== undefined) {
      // Data events are views into the chunk being received: keep a copy.
      if (event.type === 'data') this.batch.push({ type: 'data', data: event.data.slice() });
      else if (event.type !== 'trace' && event.type !== 'subnegotiation') this.batch.push(event);
    } else {
      this.handle(event);
    }
  }

  private onSocketData(chunk: Buffer): void {
    if (this.ending) return;
    const batch: TelnetEvent[] = [];
    this.batch = batch;
    try {
      this.engine.receive(chunk);
    } finally {
      this.batch = undefined;
    }
    for (const event of batch) {
      if (this.ending) return;
      this.handle(event);
    }
    this.checkLogoutAnswer();
    if (this.mode === 'negotiating' && this.negotiationSettled()) this.showBanner();
    // A client that sends without reading (echo, AYT answers…) must not grow the host's buffers.
    if (this.socket.writableLength > MAX_UNSENT_OUTPUT && !this.inputPaused) {
      this.inputPaused = true;
      this.socket.pause();
    }
  }

  private resumeInput(): void {
    if (!this.inputPaused) return;
    this.inputPaused = false;
    this.socket.resume();
  }

  private handle(event: TelnetEvent): void {
    switch (event.type) {
      case 'data':
        this.onTyped(this.decoder.decode(event.data, { stream: true }));
        break;
      case 'command':
        this.onCommand(event.command);
        break;
      case 'option':
        this.onOption(event.side, event.option, event.enabled);
        break;
      case 'window-size':
        this.onWindowSize({ cols: event.cols, rows: event.rows });
        break;
      case 'terminal-type':
        if (this.ttype.receive(printable(event.name))) this.askTerminalType();
        break;
      case 'environ':
        this.environReceived = true;
        for (const v of event.vars) {
          if (v.name === 'USER' && v.value !== undefined && v.value !== '')
            this.clientUser = printable(v.value);
        }
        break;
      case 'charset':
        this.agreedCharset = event.charset === undefined ? undefined : printable(event.charset);
        break;
      case 'warning':
        this.warnings++;
        break;
      default:
        break;
    }
  }

  private onTyped(text: string): void {
    if (text === '') return;
    this.noteActivity();
    if (this.mode === 'running') {
      // Ctrl-C acts at once and, as on a terminal, throws away what was typed ahead of it.
      const interrupt = text.lastIndexOf('\x03');
      if (interrupt >= 0) {
        this.interruptCommand();
        this.input = '';
        text = text.slice(interrupt + 1);
      }
    }
    this.input += text;
    this.consumeInput();
    if (this.input.length > MAX_TYPEAHEAD) this.input = this.input.slice(0, MAX_TYPEAHEAD);
  }

  /** Feeds typed text to the line editor while at the prompt; a submitted line runs before the rest. */
  private consumeInput(): void {
    while (this.mode === 'prompt' && this.input.length > 0) {
      this.editor.echo = this.engine.isEnabled('local', Opt.ECHO);
      const result = this.editor.feed(this.input);
      this.input = this.input.slice(result.consumed);
      this.write(result.output);
      if (result.submitted?.kind === 'line') this.runLine(result.submitted.line);
      else if (result.submitted?.kind === 'eof') this.endSession(`logout${CRLF}Goodbye.${CRLF}`);
    }
  }

  private onCommand(command: number): void {
    if (USER_COMMANDS.has(command)) this.noteActivity();
    switch (command) {
      case Cmd.IP:
      case Cmd.ABORT:
        this.interruptProcess();
        break;
      case Cmd.AO:
        this.abortOutput();
        break;
      case Cmd.AYT:
        this.notify("[demo host: yes, I'm here]", 'now');
        break;
      case Cmd.BRK:
        this.notify('[break]', 'now');
        break;
      // Telnet's own erase commands act like the keys.
      case Cmd.EC:
        this.onTyped('\x7f');
        break;
      case Cmd.EL:
        this.onTyped('\x15');
        break;
      case Cmd.EOF:
        this.onTyped('\x04');
        break;
      default:
        break;
    }
  }

  private onOption(side: Side, option: number, enabled: boolean): void {
    if (side === 'local' && option === Opt.LOGOUT && enabled) {
      // DO LOGOUT (RFC 727): asked for, or the answer to our auto-logout warning. WILL LOGOUT went out already.
      this.endSession(`${CRLF}[logged out at your request] Goodbye.${CRLF}`);
    } else if (side === 'remote' && option === Opt.TTYPE) {
      if (enabled && this.ttype.offered.length === 0) this.askTerminalType();
      else if (!enabled) this.ttype.abandon();
    } else if (side === 'remote' && option === Opt.NEW_ENVIRON && enabled) {
      this.engine.requestEnviron();
    }
  }

  private askTerminalType(): void {
    this.ttype.noteRequest();
    this.engine.requestTerminalType();
  }

  private onWindowSize(size: WindowSize): void {
    if (this.window?.cols === size.cols && this.window.rows === size.rows) return;
    this.window = size;
    if (this.mode === 'prompt') this.notify(windowNotice(size), 'prompt');
    else if (this.mode === 'running') this.windowChangedWhileBusy = true;
  }

  // ---------------------------------------------------------------- negotiation and banner

  /** True once every option request has its answer and the client told what it agreed to tell. */
  private negotiationSettled(): boolean {
    for (let opt = 0; opt < 256; opt++) {
      if (this.engine.optionState('local', opt) === 'wantyes') return false;
      if (this.engine.optionState('remote', opt) === 'wantyes') return false;
    }
    if (this.engine.isEnabled('remote', Opt.TTYPE) && !this.ttype.done) return false;
    if (this.engine.isEnabled('remote', Opt.NAWS) && this.window === undefined) return false;
    if (this.engine.isEnabled('remote', Opt.NEW_ENVIRON) && !this.environReceived) return false;
    return true;
  }

  private showBanner(): void {
    if (this.mode !== 'negotiating') return;
    clearTimeout(this.negotiationTimer);
    this.negotiationTimer = undefined;
    // Whatever is still being negotiated, the shell starts now: the idle timer may have sent WILL LOGOUT.
    const title = this.settings.banner ?? DEFAULT_TITLE;
    this.write(toCrlf(renderBanner(this, title)));
    this.showPrompt();
  }

  // ---------------------------------------------------------------- the shell

  private showPrompt(): void {
    let out = '';
    if (this.windowChangedWhileBusy && this.window !== undefined) out += windowNotice(this.window) + CRLF;
    this.windowChangedWhileBusy = false;
    this.mode = 'prompt';
    this.write(out + this.editor.startLine());
    this.consumeInput();
  }

  private runLine(line: string): void {
    const parsed = parseCommandLine(line);
    if ('error' in parsed) {
      this.write(`demo: ${parsed.error}${CRLF}${this.editor.startLine()}`);
      return;
    }
    const [name, ...args] = parsed.words;
    if (name === undefined) {
      this.write(this.editor.startLine());
      return;
    }
    const command = findCommand(name);
    if (command === undefined) {
      this.write(`demo: ${printable(name, 40)}: command not found${CRLF}${this.editor.startLine()}`);
      return;
    }
    this.startCommand(command, args);
  }

  private startCommand(command: Command, args: string[]): void {
    const running: RunningCommand = { controller: new AbortController(), muted: false };
    this.running = running;
    this.mode = 'running';
    const context = this.commandContext(running, args);
    void (async () => {
      try {
        await command.run(context);
      } catch (error) {
        this.settings.onInternalError(error);
        if (!running.controller.signal.aborted) this.write(`${command.name}: internal error${CRLF}`);
      } finally {
        if (this.running === running) this.running = undefined;
        if (this.mode === 'running' && this.promptTimer === undefined) this.guarded(() => this.showPrompt());
      }
    })();
  }

  private commandContext(running: RunningCommand, args: string[]): CommandContext {
    const { signal } = running.controller;
    const silenced = () => signal.aborted || running.muted || this.ending;
    return {
      args,
      session: this,
      signal,
      print: (text) => {
        if (!silenced()) this.write(toCrlf(text));
      },
      stream: async (chunk) => {
        if (silenced()) return false;
        // Bulk text seldom needs NVT encoding; skipping the engine's byte-by-byte pass doubles a flood's speed.
        if (passesNvtUnchanged(chunk)) this.socket.write(chunk);
        else this.engine.sendData(chunk);
        if (this.socket.writableNeedDrain) await this.drained(signal);
        return !silenced();
      },
      sleep: (ms) => sleepUnlessAborted(ms, signal),
      logout: () => this.endSession(`Goodbye.${CRLF}`),
    };
  }

  /** Resolves when the socket wants more output, closes, or the command is interrupted. */
  private drained(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      if (this.socket.destroyed || signal.aborted) return resolve();
      this.socket.on('drain', done);
      this.socket.on('close', done);
      signal.addEventListener('abort', done);
    });
  }

  private interruptCommand(): void {
    const running = this.running;
    if (running === undefined || running.controller.signal.aborted) return;
    this.write(`^C${CRLF}`);
    // The command stops at its next step; the prompt follows once it has.
    running.controller.abort();
  }

  /** Telnet IP: like Ctrl-C, but the ^C and the prompt come after a short settle (see INTERRUPT_SETTLE_MS). */
  private interruptProcess(): void {
    if (this.mode === 'negotiating') {
      this.input = '';
      return;
    }
    if (this.ending || this.promptTimer !== undefined) return;
    this.input = '';
    this.running?.controller.abort();
    this.mode = 'running';
    this.promptTimer = setTimeout(
      () =>
        this.guarded(() => {
          this.promptTimer = undefined;
          if (this.mode !== 'running') return;
          this.write(`^C${CRLF}`);
          this.showPrompt();
        }),
      INTERRUPT_SETTLE_MS,
    );
  }

  private abortOutput(): void {
    const running = this.running;
    const muting = running !== undefined && !running.muted && !running.controller.signal.aborted;
    if (running !== undefined) running.muted = true;
    // The Synch's DM marks where the discarded output ends. Node cannot send TCP urgent data, so it goes in-band.
    this.engine.sendCommand(Cmd.DM);
    if (muting) this.write(`${CRLF}[output discarded]${CRLF}`);
  }

  /**
   * A one-line notice. At the prompt it replaces the prompt line, which is drawn again under it; `now`
   * notices (answers to AYT, BRK) are also printed in the middle of a command's output.
   */
  private notify(text: string, when: 'now' | 'prompt'): void {
    if (this.mode === 'prompt') {
      const redraw = this.editor.redraw();
      const fitsOneRow = this.window === undefined || displayWidth(redraw) < this.window.cols;
      this.write(`${fitsOneRow ? '\r\x1b[K' : CRLF}${text}${CRLF}${redraw}`);
    } else if (when === 'now' && !this.ending) {
      this.write(`${CRLF}${text}${CRLF}`);
    }
  }

  private write(text: string): void {
    if (text === '' || this.mode === 'closed' || this.socket.destroyed) return;
    this.engine.sendData(Buffer.from(text, 'utf8'));
  }

  // ---------------------------------------------------------------- idle and auto-logout (RFC 727)

  private noteActivity(): void {
    this.lastInputAt = Date.now();
    if (this.logoutWarningPending) {
      // Typing shows the user is there: as good as "stay logged in".
      this.cancelLogoutWarning();
      this.notify('[you are back: staying logged in]', 'prompt');
    }
  }

  /** The idle timer fires at the earliest possible deadline and re-arms itself if there was input since. */
  private armIdleTimer(delay: number): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.guarded(() => this.onIdleTimer()), delay);
  }

  private onIdleTimer(): void {
    this.idleTimer = undefined;
    if (this.ending) return;
    const idleFor = Date.now() - this.lastInputAt;
    if (idleFor < this.settings.idleWarningMs) {
      this.armIdleTimer(this.settings.idleWarningMs - idleFor);
      return;
    }
    // WILL LOGOUT warns of an auto-logout (RFC 727 case 2). An earlier unanswered warning still stands.
    if (this.engine.optionState('local', Opt.LOGOUT) === 'no') this.engine.requestLocal(Opt.LOGOUT, true);
    this.logoutWarningPending = true;
    this.graceTimer = setTimeout(
      () => this.guarded(() => this.onGraceExpired()),
      this.settings.logoutGraceMs,
    );
    this.notify(
      `[idle for ${formatDuration(idleFor)}: logging out in ${formatDuration(this.settings.logoutGraceMs)} unless you answer or type something]`,
      'prompt',
    );
  }

  /** After each chunk: DONT LOGOUT turns our pending WILL LOGOUT back to "no" — the user stays. */
  private checkLogoutAnswer(): void {
    if (!this.logoutWarningPending || this.ending) return;
    if (this.engine.optionState('local', Opt.LOGOUT) !== 'no') return;
    this.lastInputAt = Date.now();
    this.cancelLogoutWarning();
    this.notify('[staying logged in]', 'prompt');
  }

  private cancelLogoutWarning(): void {
    this.logoutWarningPending = false;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.armIdleTimer(this.settings.idleWarningMs);
  }

  private onGraceExpired(): void {
    this.graceTimer = undefined;
    if (!this.logoutWarningPending) return;
    this.endSession(`${CRLF}[no answer to the idle warning: logged out] Goodbye.${CRLF}`);
  }

  // ---------------------------------------------------------------- ending

  /** Says goodbye, half-closes, and resets the connection if the client does not close in time. */
  private endSession(message: string): void {
    if (this.ending) return;
    this.write(message);
    this.mode = 'closing';
    this.running?.controller.abort();
    this.clearTimers();
    this.socket.end();
    this.closeTimer = setTimeout(() => this.socket.destroy(), CLOSE_DEADLINE_MS);
  }

  private clearTimers(): void {
    clearTimeout(this.negotiationTimer);
    clearTimeout(this.idleTimer);
    clearTimeout(this.graceTimer);
    clearTimeout(this.promptTimer);
    this.negotiationTimer = this.idleTimer = this.graceTimer = this.promptTimer = undefined;
  }

  private dispose(): void {
    if (this.mode === 'closed') return;
    this.mode = 'closed';
    this.running?.controller.abort();
    this.running = undefined;
    this.clearTimers();
    clearTimeout(this.closeTimer);
    this.closeTimer = undefined;
    this.input = '';
    this.onClosed(this);
    this.markClosed();
  }
}

function windowNotice(size: WindowSize): string {
  return `[window is now ${size.cols}x${size.rows}]`;
}

function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}
