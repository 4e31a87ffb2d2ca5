/**
 * A session's screen, kept on the gateway: what a browser that comes back (or falls behind) is sent
 * instead of the output it missed. The screen is the state, as in mosh and VS Code's terminals: an
 * `@xterm/headless` terminal is fed the same UTF-8 the browser gets, and `snapshot()` serializes it
 * (`@xterm/addon-serialize`: text, colours, modes, cursor, alternate screen and scrollback) into bytes
 * that redraw it in a freshly reset xterm.js.
 *
 * A headless terminal costs about 125 KiB of heap before any output, more than the rest of a session.
 * Most sessions print little (a banner, a prompt, a few commands), so output is first only kept as
 * bytes; the terminal is created, and those bytes replayed into it, once they pass `lazyBytes` or when
 * a snapshot is asked for. Idle sessions therefore cost what they printed, busy ones the terminal.
 */

import { reuseLinesInRegionScroll } from '@telgate/xterm-region-scroll';
import serializeAddon from '@xterm/addon-serialize';
import xtermHeadless from '@xterm/headless';

const { Terminal } = xtermHeadless;
const { SerializeAddon } = serializeAddon;
type HeadlessTerminal = InstanceType<typeof Terminal>;
type Serializer = InstanceType<typeof SerializeAddon>;

export interface ScreenStateOptions {
  readonly cols: number;
  readonly rows: number;
  /** Lines kept above the screen, and sent with a snapshot. */
  readonly scrollback: number;
  /** Output kept as bytes before a terminal is created for it. */
  readonly lazyBytes: number;
  /**
   * Past this much output in one turn of the event loop, the screen is `backlogged`: its writer should
   * wait for `onParsed` (256 KiB). Output is parsed as it is written, so this bounds how long one
   * flooding session holds the event loop (about 3 ms), not memory.
   */
  readonly maxBytesPerTurn?: number;
}

export const DEFAULT_SCREEN_OPTIONS: Omit<ScreenStateOptions, 'cols' | 'rows'> = {
  scrollback: 1000,
  lazyBytes: 32 * 1024,
};

const MAX_BYTES_PER_TURN = 256 * 1024;

export interface ScreenSnapshot {
  /** Escape sequences and text that redraw the screen in a reset terminal of this size. */
  readonly data: string;
  readonly cols: number;
  readonly rows: number;
}

/** Rough heap cost of one headless terminal before output, measured on Node 20 (80×24). */
const TERMINAL_BASE_BYTES = 125 * 1024;
/** Rough heap cost of one line of cells (xterm.js keeps 3 × 32 bits per cell). */
const BYTES_PER_CELL = 12;

export class ScreenState {
  private terminal: HeadlessTerminal | undefined;
  /** The terminal's synchronous write, where it has one. */
  private writeSync: ((data: Uint8Array) => void) | undefined;
  private serializer: Serializer | undefined;
  /** Output not yet given to a terminal (before one exists), in one buffer: echoes come a byte at a time. */
  private pending = new Uint8Array(0);
  private pendingBytes = 0;
  /** Resizes among the pending output: each applies after the first `at` bytes. */
  private pendingResizes: { at: number; cols: number; rows: number }[] = [];
  /** The size the terminal starts at: the size when the first output byte came. */
  private initial: { cols: number; rows: number };
  private cols: number;
  private rows: number;
  private disposed = false;
  /** Bytes given to the terminal and not yet parsed: only where it cannot parse as they are written. */
  private unparsed = 0;
  /** Bytes parsed in turn `turn` of the event loop (see currentTurn). */
  private parsedThisTurn = 0;
  private turn = -1;
  private nextTurn: ReturnType<typeof setImmediate> | undefined;
  /** Called when a writer that waited may write again. */
  private parsedListener: (() => void) | undefined;

  constructor(private readonly options: ScreenStateOptions) {
    this.cols = options.cols;
    this.rows = options.rows;
    this.initial = { cols: options.cols, rows: options.rows };
  }

  /** Output as the browser gets it (UTF-8), in order. The bytes are copied: callers may reuse theirs. */
  write(data: Uint8Array): void {
    if (this.disposed || data.length === 0) return;
    if (this.terminal) {
      this.feed(this.terminal, data);
      return;
    }
    if (this.pendingBytes + data.length > this.options.lazyBytes) {
      this.feed(this.materialize(), data);
      return;
    }
    if (this.pendingBytes + data.length > this.pending.length) {
      const grown = new Uint8Array(
        Math.min(this.options.lazyBytes, Math.max(256, 2 * (this.pendingBytes + data.length))),
      );
      grown.set(this.pending.subarray(0, this.pendingBytes));
      this.pending = grown;
    }
    this.pending.set(data, this.pendingBytes);
    this.pendingBytes += data.length;
  }

  /** A new size, applied after the output written so far, as the browser applied it. */
  resize(cols: number, rows: number): void {
    if (this.disposed || (cols === this.cols && rows === this.rows)) return;
    this.cols = cols;
    this.rows = rows;
    if (this.terminal) this.resizeAfterOutput(this.terminal, cols, rows);
    else if (this.pendingBytes === 0) this.initial = { cols, rows };
    else {
      // A window being dragged: only the last size between two outputs matters.
      const last = this.pendingResizes.at(-1);
      if (last?.at === this.pendingBytes) this.pendingResizes.pop();
      this.pendingResizes.push({ at: this.pendingBytes, cols, rows });
    }
  }

  /**
   * The screen as it is once every byte written so far has been parsed, and no byte written after this
   * call: output is parsed as it is written, so it is serialized now (where the terminal cannot parse
   * synchronously, as soon as it reaches this point of the output, before it parses what was written
   * later). So a caller may go on writing meanwhile and knows exactly which output follows the snapshot.
   */
  snapshot(): Promise<ScreenSnapshot> {
    if (this.disposed) return Promise.reject(new Error('the screen state was disposed'));
    const terminal = this.materialize();
    const take = (): ScreenSnapshot => {
      // The session may have ended while the terminal parsed.
      if (this.disposed || !this.serializer) throw new Error('the screen state was disposed');
      const data = this.serializer.serialize({ scrollback: this.options.scrollback });
      return { data, cols: terminal.cols, rows: terminal.rows };
    };
    if (this.unparsed === 0) {
      try {
        return Promise.resolve(take());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    return new Promise<ScreenSnapshot>((resolve, reject) => {
      terminal.write('', () => {
        try {
          resolve(take());
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** Output written and not yet parsed (0 where the terminal parses as output is written). */
  get unparsedBytes(): number {
    return this.unparsed;
  }

  /**
   * The writer should wait for `onParsed` before writing more: more than `maxBytesPerTurn` was parsed
   * in this turn of the event loop (or waits to be parsed). A host that is not held back by a browser
   * is held back by its screen, so one flooding session takes its share of the event loop, not all of it.
   */
  get backlogged(): boolean {
    return this.parsedThisTurn > this.maxPerTurn || this.unparsed > this.maxPerTurn;
  }

  private get maxPerTurn(): number {
    return this.options.maxBytesPerTurn ?? MAX_BYTES_PER_TURN;
  }

  /**
   * `listener` is called when a writer that found the screen `backlogged` may write again: at the next
   * turn of the event loop (or, where the terminal parses later, once at most a quarter of
   * `maxBytesPerTurn` is left waiting).
   */
  onParsed(listener: () => void): void {
    this.parsedListener = listener;
  }

  /** Heap this screen holds, roughly: for memory limits and metrics, not for billing. */
  get approximateBytes(): number {
    if (!this.terminal) return this.pending.length + this.pendingResizes.length * 32;
    const buffer = this.terminal.buffer.normal;
    return TERMINAL_BASE_BYTES + buffer.length * this.cols * BYTES_PER_CELL;
  }

  /** Whether a headless terminal has been created (for tests and metrics). */
  get materialized(): boolean {
    return this.terminal !== undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.pending = new Uint8Array(0);
    this.pendingBytes = 0;
    this.pendingResizes = [];
    this.parsedListener = undefined;
    if (this.nextTurn) clearImmediate(this.nextTurn);
    this.nextTurn = undefined;
    this.terminal?.dispose();
    this.terminal = undefined;
    this.writeSync = undefined;
    this.serializer = undefined;
  }

  /** Parses `bytes` now where the terminal can (the caller may reuse them after), else queues a copy. */
  private feed(terminal: HeadlessTerminal, bytes: Uint8Array): void {
    if (this.writeSync && this.unparsed === 0) {
      this.writeSync(bytes);
      const turn = currentTurn();
      if (turn !== this.turn) {
        this.turn = turn;
        this.parsedThisTurn = 0;
      }
      this.parsedThisTurn += bytes.length;
      if (this.parsedThisTurn > this.maxPerTurn && !this.nextTurn) {
        this.nextTurn = setImmediate(() => {
          this.nextTurn = undefined;
          this.parsedThisTurn = 0;
          if (!this.disposed) this.parsedListener?.();
        });
      }
      return;
    }
    const copy = bytes.slice();
    this.unparsed += copy.length;
    terminal.write(copy, () => {
      this.unparsed -= copy.length;
      if (this.unparsed <= this.maxPerTurn / 4 && !this.disposed) this.parsedListener?.();
    });
  }

  /** Resizes `terminal` after the output written to it before, as the browser did. */
  private resizeAfterOutput(terminal: HeadlessTerminal, cols: number, rows: number): void {
    if (this.unparsed === 0) terminal.resize(cols, rows);
    // xterm.js parses writes later, in order, and runs each write's callback before the next is parsed.
    else terminal.write('', () => terminal.resize(cols, rows));
  }

  private materialize(): HeadlessTerminal {
    if (this.terminal) return this.terminal;
    const terminal = new Terminal({
      cols: this.initial.cols,
      rows: this.initial.rows,
      scrollback: this.options.scrollback,
      allowProposedApi: true,
      // writeSync warns once that it is unreliable (it is not, here: see syncWriter).
      logLevel: 'error',
    });
    this.writeSync = syncWriter(terminal);
    // A flood below a status line is parsed 2.5× faster (@telgate/xterm-region-scroll); without it, as xterm.js does.
    reuseLinesInRegionScroll(terminal);
    const serializer = new SerializeAddon();
    terminal.loadAddon(serializer);
    let from = 0;
    for (const { at, cols, rows } of this.pendingResizes) {
      if (at > from) this.feed(terminal, this.pending.subarray(from, at));
      this.resizeAfterOutput(terminal, cols, rows);
      from = at;
    }
    if (this.pendingBytes > from) this.feed(terminal, this.pending.subarray(from, this.pendingBytes));
    this.pending = new Uint8Array(0);
    this.pendingBytes = 0;
    this.pendingResizes = [];
    this.terminal = terminal;
    this.serializer = serializer;
    return terminal;
  }
}

/** Turns of the event loop in which some screen parsed output, counted by one setImmediate for all screens. */
let turnCount = 0;
let turnEnding = false;

function currentTurn(): number {
  if (!turnEnding) {
    turnEnding = true;
    setImmediate(() => {
      turnCount++;
      turnEnding = false;
    });
  }
  return turnCount;
}

/**
 * xterm.js's synchronous write (`writeSync`, kept by its core for tests), or undefined if this build has
 * none. `terminal.write` parses later, in slices of 12 ms with a timer tick between them, and its queue
 * holds a copy of every write: parsing as output is written, where nothing waits, reads a flood 7–10 %
 * faster and keeps no copy. It is safe here because no handler of this terminal is asynchronous (the
 * reason xterm.js calls it unreliable).
 */
export function syncWriter(terminal: HeadlessTerminal): ((data: Uint8Array) => void) | undefined {
  const core = (terminal as unknown as { _core?: { writeSync?: (data: Uint8Array) => void } })._core;
  const writeSync = core?.writeSync;
  return typeof writeSync === 'function' ? writeSync.bind(core) : undefined;
}

/** Bytes of cells a screen of this size and scrollback holds when full: for documentation and limits. */
export function fullScreenBytes(cols: number, rows: number, scrollback: number): number {
  return TERMINAL_BASE_BYTES + (rows + scrollback) * cols * BYTES_PER_CELL;
}
