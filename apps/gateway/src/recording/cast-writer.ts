import { type FileHandle, open } from 'node:fs/promises';

/** Where a recording's lines go: a file, or a stand-in that fails as a disk would (tests). */
export interface CastSink {
  write(text: string): Promise<void>;
  close(): Promise<void>;
}

/** Opens the file a recording is written to. */
export type OpenSink = (path: string) => Promise<CastSink>;

/** A new file (never an existing one), appended to. */
export const openFileSink: OpenSink = async (path) => {
  const handle: FileHandle = await open(path, 'wx', 0o640);
  return {
    write: async (text) => {
      await handle.write(text);
    },
    close: () => handle.close(),
  };
};

/** Why a recording is incomplete: the disk refused a write, the queue overflowed, or closing timed out. */
export type IncompleteReason = 'write_failed' | 'queue_full' | 'close_timeout';

export interface CastHeader {
  readonly width: number;
  readonly height: number;
  /** Unix time in seconds of the recording's start. */
  readonly timestamp: number;
  readonly title: string;
  readonly term: string;
}

export interface CastWriterOptions {
  readonly path: string;
  readonly header: Omit<CastHeader, 'width' | 'height'>;
  /** The size the header states when nothing told another before the first event. */
  readonly size: { readonly cols: number; readonly rows: number };
  /** Events waiting to be written stay under this; past it output is dropped (and a marker says so). */
  readonly maxQueueBytes: number;
  /** How long `close` waits for the queue to be written before it gives up (recording incomplete). */
  readonly closeTimeoutMs: number;
  readonly openSink?: OpenSink;
  /** Called once, when the recording becomes incomplete. */
  readonly onIncomplete?: (reason: IncompleteReason, detail: string) => void;
  /** Monotonic milliseconds; `performance.now` unless given. */
  readonly now?: () => number;
}

/** What became of a recording once closed. */
export interface CastResult {
  readonly path: string;
  readonly complete: boolean;
  readonly incompleteReason?: IncompleteReason;
  /** Why, in words (the system error, how much was dropped). */
  readonly detail?: string;
  /** Bytes written to the file. */
  readonly bytesWritten: number;
  /** Bytes of events that never reached the file. */
  readonly bytesDropped: number;
}

/**
 * One session's recording as an asciicast v2 file: a header line, then one JSON array per event
 * (`[seconds, "o", text]` output, `"i"` input, `"r"` resize, `"m"` marker). Writing is asynchronous
 * and bounded: events queue (at most `maxQueueBytes`) while a write is under way, so a slow disk never
 * holds the session back; what does not fit is dropped, and the file gets a marker saying how much.
 * A disk that refuses a write ends the writing: the rest is dropped and the recording is incomplete.
 */
export class CastWriter {
  readonly #options: CastWriterOptions;
  readonly #now: () => number;
  readonly #startedAt: number;
  readonly #decoder = new TextDecoder('utf-8');
  readonly #inputDecoder = new TextDecoder('utf-8');
  #queue: string[] = [];
  #queuedBytes = 0;
  #sink: CastSink | undefined;
  #opening: Promise<void>;
  #writing: Promise<void> | undefined;
  #headerDone = false;
  #size: { cols: number; rows: number };
  #failed: string | undefined;
  #incomplete: { reason: IncompleteReason; detail: string } | undefined;
  /** Bytes dropped since the last gap marker. */
  #gapBytes = 0;
  #bytesDropped = 0;
  #bytesWritten = 0;
  #closed = false;
  #lastEvent = 0;

  constructor(options: CastWriterOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#startedAt = this.#now();
    this.#size = { ...options.size };
    this.#opening = (options.openSink ?? openFileSink)(options.path).then(
      (sink) => {
        if (this.#failed !== undefined) {
          void sink.close().catch(() => {});
          return;
        }
        this.#sink = sink;
        this.#drain();
      },
      (error: unknown) => this.#fail(error),
    );
  }

  /** Bytes queued and not yet written. */
  get queuedBytes(): number {
    return this.#queuedBytes;
  }

  get complete(): boolean {
    return this.#incomplete === undefined;
  }

  get path(): string {
    return this.#options.path;
  }

  /** Host output, as UTF-8 (a character split across chunks is joined). */
  output(utf8: Uint8Array): void {
    const text = this.#decoder.decode(utf8, { stream: true });
    if (text !== '') this.#event('o', text);
  }

  /** What the user typed, as UTF-8. */
  input(utf8: Uint8Array): void {
    const text = this.#inputDecoder.decode(utf8, { stream: true });
    if (text !== '') this.#event('i', text);
  }

  resize(cols: number, rows: number): void {
    if (cols === this.#size.cols && rows === this.#size.rows) return;
    this.#size = { cols, rows };
    // Before anything is recorded, the header itself takes the size.
    if (!this.#headerDone) return;
    this.#event('r', `${cols}x${rows}`);
  }

  /** A marker (asciinema's `m` event): a Telnet action, a detach or resume. */
  marker(label: string): void {
    this.#event('m', label);
  }

  /**
   * Writes what is queued and closes the file, within `closeTimeoutMs`; an incomplete recording gets a
   * final marker saying so (when the disk still takes it).
   */
  async close(): Promise<CastResult> {
    if (!this.#closed) {
      if (this.#incomplete !== undefined && this.#failed === undefined) {
        this.#gapMarker();
        this.#push(this.#line('m', `recording incomplete: ${this.#incomplete.detail}`), true);
      }
      this.#closed = true;
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), this.#options.closeTimeoutMs);
      });
      const finished = (async () => {
        await this.#opening;
        while (this.#writing !== undefined) await this.#writing;
        await this.#sink?.close();
      })().catch((error: unknown) => this.#fail(error));
      const outcome = await Promise.race([finished, timedOut]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.#markIncomplete(
          'close_timeout',
          `${this.#queuedBytes} bytes were still waiting for the disk after ${this.#options.closeTimeoutMs} ms`,
        );
        this.#bytesDropped += this.#queuedBytes;
        this.#queue = [];
        this.#queuedBytes = 0;
        this.#failed ??= 'closed before the disk took every write';
      }
    }
    return {
      path: this.#options.path,
      complete: this.#incomplete === undefined,
      ...(this.#incomplete && { incompleteReason: this.#incomplete.reason, detail: this.#incomplete.detail }),
      bytesWritten: this.#bytesWritten,
      bytesDropped: this.#bytesDropped,
    };
  }

  #seconds(): number {
    // Events never go back in time, whatever the clock does.
    const at = Math.max(this.#lastEvent, (this.#now() - this.#startedAt) / 1000);
    this.#lastEvent = at;
    return Math.round(at * 1e6) / 1e6;
  }

  #line(code: string, data: string): string {
    return `${JSON.stringify([this.#seconds(), code, data])}\n`;
  }

  #event(code: 'o' | 'i' | 'r' | 'm', data: string): void {
    if (this.#closed) return;
    if (!this.#headerDone) {
      this.#headerDone = true;
      const { title, term, timestamp } = this.#options.header;
      const header = {
        version: 2,
        width: this.#size.cols,
        height: this.#size.rows,
        timestamp,
        title,
        env: { TERM: term },
      };
      this.#push(`${JSON.stringify(header)}\n`, true);
    }
    const line = this.#line(code, data);
    if (this.#gapBytes > 0) this.#gapMarker();
    this.#push(line, false);
  }

  /** Says in the file how much was dropped, once the queue has room for it. */
  #gapMarker(): void {
    if (this.#gapBytes === 0) return;
    const marker = this.#line('m', `${this.#gapBytes} bytes not recorded: the disk did not keep up`);
    if (this.#queuedBytes + marker.length > this.#options.maxQueueBytes) return;
    this.#gapBytes = 0;
    this.#push(marker, true);
  }

  /** Queues a line; `force` for the header and markers, which may go a little over the bound. */
  #push(line: string, force: boolean): void {
    const bytes = Buffer.byteLength(line);
    if (this.#failed !== undefined) {
      this.#bytesDropped += bytes;
      return;
    }
    if (!force && this.#queuedBytes + bytes > this.#options.maxQueueBytes) {
      this.#bytesDropped += bytes;
      this.#gapBytes += bytes;
      this.#markIncomplete(
        'queue_full',
        `output was dropped: more than ${this.#options.maxQueueBytes} bytes waited for the disk`,
      );
      return;
    }
    this.#queue.push(line);
    this.#queuedBytes += bytes;
    this.#drain();
  }

  #drain(): void {
    if (this.#writing !== undefined || this.#sink === undefined || this.#queue.length === 0) return;
    const sink = this.#sink;
    const text = this.#queue.join('');
    const bytes = this.#queuedBytes;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#writing = sink.write(text).then(
      () => {
        this.#bytesWritten += bytes;
        this.#writing = undefined;
        this.#drain();
      },
      (error: unknown) => {
        this.#bytesDropped += bytes;
        this.#writing = undefined;
        this.#fail(error);
      },
    );
  }

  #fail(error: unknown): void {
    if (this.#failed !== undefined) return;
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const detail = `the disk refused a write (${code ?? (error as Error)?.message ?? 'unknown error'})`;
    this.#failed = detail;
    this.#bytesDropped += this.#queuedBytes;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#markIncomplete('write_failed', detail);
  }

  #markIncomplete(reason: IncompleteReason, detail: string): void {
    if (this.#incomplete !== undefined) return;
    this.#incomplete = { reason, detail };
    this.#options.onIncomplete?.(reason, detail);
  }
}
