import { isUtf8 } from 'node:buffer';
import { type FileHandle, open } from 'node:fs/promises';

/** Where a recording's lines go: a file, or a stand-in that fails as a disk would (tests). */
export interface CastSink {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/** Opens the file a recording is written to. */
export type OpenSink = (path: string) => Promise<CastSink>;

/** A new file (never an existing one), appended to. */
export const openFileSink: OpenSink = async (path) => {
  const handle: FileHandle = await open(path, 'wx', 0o640);
  return {
    write: async (data) => {
      await handle.write(data);
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
  readonly #inputDecoder = new TextDecoder('utf-8');
  /** The start of a UTF-8 sequence the last output chunk ended in, for the next one. */
  #outputCarry: Uint8Array | undefined;
  #queue: Uint8Array[] = [];
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

  /**
   * Host output, as UTF-8 (a character split across chunks is joined). Valid UTF-8 goes into the JSON
   * line as it is, escaped byte by byte, without being decoded to a string and encoded again (which
   * costs several times the relay itself); anything else is decoded, invalid bytes replaced.
   */
  output(utf8: Uint8Array): void {
    let bytes = utf8;
    if (this.#outputCarry !== undefined) {
      bytes = Buffer.concat([this.#outputCarry, utf8]);
      this.#outputCarry = undefined;
    }
    const end = completeUtf8Length(bytes);
    if (end < bytes.length) this.#outputCarry = bytes.slice(end);
    if (end === 0) return;
    const body = bytes.subarray(0, end);
    if (isUtf8(body)) this.#event('o', jsonStringBytes(body));
    else this.#event('o', new TextDecoder('utf-8').decode(body));
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
        this.#push(Buffer.from(this.#line('m', `recording incomplete: ${this.#incomplete.detail}`)), true);
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

  /** An event whose data is a string, or the JSON text of one already (`Uint8Array`). */
  #event(code: 'o' | 'i' | 'r' | 'm', data: string | Uint8Array): void {
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
      this.#push(Buffer.from(`${JSON.stringify(header)}\n`), true);
    }
    const line =
      typeof data === 'string'
        ? Buffer.from(this.#line(code, data))
        : Buffer.concat([Buffer.from(`[${this.#seconds()},"${code}",`), data, CLOSE_EVENT]);
    if (this.#gapBytes > 0) this.#gapMarker();
    this.#push(line, false);
  }

  /** Says in the file how much was dropped, once the queue has room for it. */
  #gapMarker(): void {
    if (this.#gapBytes === 0) return;
    const marker = Buffer.from(
      this.#line('m', `${this.#gapBytes} bytes not recorded: the disk did not keep up`),
    );
    if (this.#queuedBytes + marker.length > this.#options.maxQueueBytes) return;
    this.#gapBytes = 0;
    this.#push(marker, true);
  }

  /** Queues a line; `force` for the header and markers, which may go a little over the bound. */
  #push(line: Uint8Array, force: boolean): void {
    const bytes = line.length;
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
    const data = this.#queue.length === 1 ? this.#queue[0]! : Buffer.concat(this.#queue);
    const bytes = this.#queuedBytes;
    this.#queue = [];
    this.#queuedBytes = 0;
    this.#writing = sink.write(data).then(
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

const CLOSE_EVENT = Buffer.from(']\n');
const HEX = '0123456789abcdef';

/** How much of `bytes` is whole UTF-8 sequences: an incomplete one at the end is left out. */
export function completeUtf8Length(bytes: Uint8Array): number {
  const length = bytes.length;
  for (let back = 1; back <= Math.min(4, length); back++) {
    const byte = bytes[length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte < 0x80 ? 1 : byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}

/** `utf8` (valid UTF-8) as a JSON string literal, in UTF-8: quotes, backslashes and controls escaped. */
export function jsonStringBytes(utf8: Uint8Array): Uint8Array {
  let extra = 0;
  for (let i = 0; i < utf8.length; i++) {
    const byte = utf8[i]!;
    if (byte === 0x22 || byte === 0x5c || byte === 0x0a || byte === 0x0d || byte === 0x09) extra += 1;
    else if (byte < 0x20) extra += 5;
  }
  const out = Buffer.allocUnsafe(utf8.length + extra + 2);
  out[0] = 0x22;
  if (extra === 0) {
    out.set(utf8, 1);
  } else {
    let o = 1;
    for (let i = 0; i < utf8.length; i++) {
      const byte = utf8[i]!;
      if (byte >= 0x20 && byte !== 0x22 && byte !== 0x5c) {
        out[o++] = byte;
        continue;
      }
      out[o++] = 0x5c;
      if (byte === 0x22 || byte === 0x5c) out[o++] = byte;
      else if (byte === 0x0a) out[o++] = 0x6e;
      else if (byte === 0x0d) out[o++] = 0x72;
      else if (byte === 0x09) out[o++] = 0x74;
      else {
        out[o++] = 0x75;
        out[o++] = 0x30;
        out[o++] = 0x30;
        out[o++] = HEX.charCodeAt(byte >> 4);
        out[o++] = HEX.charCodeAt(byte & 0xf);
      }
    }
  }
  out[out.length - 1] = 0x22;
  return out;
}
