import { PeerError } from './errors.js';

export const DEFAULT_READ_TIMEOUT_MS = 5_000;

/** Decides when enough has arrived: receives the bytes not yet consumed. */
export type ReadPredicate = (unread: Buffer) => boolean;

interface PendingRead {
  /** Returns how many unread bytes to consume once satisfied, or undefined to keep waiting. */
  readonly satisfiedBy: (unread: Buffer) => number | undefined;
  readonly describe: string;
  readonly resolve: (bytes: Buffer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Everything one side of a connection has received, kept whole, plus a read cursor so a test can
 * consume it step by step (`read`, `readUntil`, `expect`) while `all` still shows every byte.
 */
export class InboundBytes {
  #buffer = Buffer.alloc(4096);
  #length = 0;
  #cursor = 0;
  #closed: { reason: string } | undefined;
  #pending: PendingRead | undefined;

  constructor(private readonly label: string) {}

  /** Every byte received so far, consumed or not. */
  get all(): Buffer {
    // Bytes below #length are never rewritten, so handing out a view is safe.
    return this.#buffer.subarray(0, this.#length);
  }

  /** Bytes received but not yet consumed by a read. */
  get unread(): Buffer {
    return this.#buffer.subarray(this.#cursor, this.#length);
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  append(chunk: Uint8Array): void {
    if (this.#length + chunk.length > this.#buffer.length) {
      let capacity = this.#buffer.length * 2;
      while (capacity < this.#length + chunk.length) capacity *= 2;
      const grown = Buffer.alloc(capacity);
      this.#buffer.copy(grown, 0, 0, this.#length);
      this.#buffer = grown;
    }
    this.#buffer.set(chunk, this.#length);
    this.#length += chunk.length;
    this.#settle();
  }

  /** No more bytes will come; a pending read that is not yet satisfied fails. */
  close(reason: string): void {
    if (this.#closed) return;
    this.#closed = { reason };
    this.#settle();
  }

  /** Consumes exactly `count` bytes. */
  read(count: number, timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<Buffer> {
    if (!Number.isInteger(count) || count < 0) {
      return Promise.reject(
        new PeerError('PEER_ERR_INVALID_ARGUMENT', `read count must be >= 0, got ${count}`),
      );
    }
    return this.#wait(`${count} byte(s)`, timeoutMs, (unread) =>
      unread.length >= count ? count : undefined,
    );
  }

  /** Consumes everything unread as soon as `predicate` accepts it. */
  readUntil(predicate: ReadPredicate, timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<Buffer> {
    return this.#wait('bytes satisfying the predicate', timeoutMs, (unread) =>
      predicate(unread) ? unread.length : undefined,
    );
  }

  /**
   * Waits until `expected` appears in the unread bytes and consumes up to the end of it; resolves with
   * the consumed bytes (whatever came before the match, then the match).
   */
  expect(expected: Uint8Array | string, timeoutMs = DEFAULT_READ_TIMEOUT_MS): Promise<Buffer> {
    const needle = typeof expected === 'string' ? Buffer.from(expected, 'latin1') : Buffer.from(expected);
    return this.#wait(`${describeBytes(needle)}`, timeoutMs, (unread) => {
      const at = unread.indexOf(needle);
      return at < 0 ? undefined : at + needle.length;
    });
  }

  #wait(
    describe: string,
    timeoutMs: number,
    satisfiedBy: (unread: Buffer) => number | undefined,
  ): Promise<Buffer> {
    if (this.#pending) {
      return Promise.reject(
        new PeerError(
          'PEER_ERR_CONCURRENT_READ',
          `${this.label}: a read for ${this.#pending.describe} is still pending`,
        ),
      );
    }
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(
          new PeerError(
            'PEER_ERR_READ_TIMEOUT',
            `${this.label}: waited ${timeoutMs} ms for ${describe}; unread: ${describeBytes(this.unread)}`,
          ),
        );
      }, timeoutMs);
      this.#pending = { satisfiedBy, describe, resolve, reject, timer };
      this.#settle();
    });
  }

  #settle(): void {
    const pending = this.#pending;
    if (!pending) return;
    const unread = this.unread;
    const consumed = pending.satisfiedBy(unread);
    if (consumed !== undefined) {
      this.#finish(pending);
      this.#cursor += consumed;
      pending.resolve(unread.subarray(0, consumed));
    } else if (this.#closed) {
      this.#finish(pending);
      pending.reject(
        new PeerError(
          'PEER_ERR_CLOSED',
          `${this.label}: ${this.#closed.reason} while waiting for ${pending.describe}; unread: ${describeBytes(unread)}`,
        ),
      );
    }
  }

  #finish(pending: PendingRead): void {
    clearTimeout(pending.timer);
    this.#pending = undefined;
  }
}

/** Hex plus a printable rendering, bounded, for error messages. */
export function describeBytes(bytes: Uint8Array, limit = 96): string {
  const shown = bytes.subarray(Math.max(0, bytes.length - limit));
  const hex = Buffer.from(shown)
    .toString('hex')
    .replace(/(..)(?!$)/g, '$1 ');
  const text = Array.from(shown, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
  const elided = bytes.length > limit ? `…(${bytes.length - limit} earlier bytes) ` : '';
  return `${bytes.length} byte(s) ${elided}[${hex}] "${text}"`;
}
