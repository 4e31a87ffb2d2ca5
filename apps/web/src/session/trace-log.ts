import type { TraceDirection } from '@telgate/protocol';

export interface TraceEntry {
  /** Increasing number, unique within the log (a stable key for lists). */
  readonly seq: number;
  /** When the frame arrived (ms since the epoch). */
  readonly at: number;
  readonly direction: TraceDirection;
  /** One Telnet command as it crossed the host connection, e.g. FF FD 1F (IAC DO NAWS). */
  readonly bytes: Uint8Array;
}

/** How many trace entries are kept; older ones are dropped first. */
export const DEFAULT_TRACE_CAPACITY = 2000;

/**
 * The negotiation trace of a session, bounded so a chatty host cannot grow the page's memory.
 * `subscribe` and `entries` fit useSyncExternalStore: `entries()` returns the same array until the
 * next change.
 */
export class TraceLog {
  private items: TraceEntry[] = [];
  private nextSeq = 1;
  private listeners = new Set<() => void>();
  private currentVersion = 0;
  private snapshot: { version: number; entries: readonly TraceEntry[] } = { version: 0, entries: [] };

  constructor(private readonly capacity: number = DEFAULT_TRACE_CAPACITY) {}

  append(at: number, direction: TraceDirection, bytes: Uint8Array): TraceEntry {
    // A copy: the decoded bytes are a view into the WebSocket message.
    const entry: TraceEntry = { seq: this.nextSeq++, at, direction, bytes: bytes.slice() };
    this.items.push(entry);
    // Trimmed in bulk, so a long trace costs one splice per capacity/4 appends rather than one each.
    if (this.items.length > this.capacity + (this.capacity >> 2)) {
      this.items = this.items.slice(this.items.length - this.capacity);
    }
    this.changed();
    return entry;
  }

  clear(): void {
    if (this.items.length === 0) return;
    this.items = [];
    this.changed();
  }

  /**
   * The newest `capacity` entries, oldest first: a new array after each change and the same one
   * otherwise, so views can memoize on it.
   */
  entries(): readonly TraceEntry[] {
    if (this.snapshot.version !== this.currentVersion) {
      this.snapshot = { version: this.currentVersion, entries: this.items.slice(-this.capacity) };
    }
    return this.snapshot.entries;
  }

  get version(): number {
    return this.currentVersion;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  private changed(): void {
    this.currentVersion++;
    for (const listener of [...this.listeners]) listener();
  }
}
