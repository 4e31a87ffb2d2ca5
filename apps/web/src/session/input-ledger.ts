/** Sent input kept for a resend after a lost socket: the newest bytes, up to this many. */
export const DEFAULT_MAX_RETAINED = 64 * 1024;
/** Input typed while the session is away, held until it is back: up to this many bytes. */
export const DEFAULT_MAX_QUEUED = 4 * 1024;

interface Chunk {
  /** Where the chunk starts, counting every INPUT payload byte sent in the session. */
  readonly start: number;
  readonly bytes: Uint8Array;
}

/** What to send once the gateway said how much input it got, in this order. */
export interface ResumePlan {
  /** Bytes sent before the socket was lost that the gateway never got: sent again. */
  readonly resend: readonly Uint8Array[];
  /** Bytes typed while away. */
  readonly queued: readonly Uint8Array[];
  /** Bytes the gateway never got that are no longer held (more than the retained window was lost). */
  readonly lost: number;
}

/**
 * The INPUT bytes of one session, so that none is lost or sent twice when the socket is replaced. It
 * counts every INPUT payload byte sent, the way the gateway counts the ones it received, and keeps the
 * newest of them; on resume, the gateway's count says which are to be sent again. Bytes typed while the
 * session is away wait in a bounded queue and follow them.
 */
export class InputLedger {
  /** INPUT payload bytes sent in this session (including those the gateway may not have got). */
  private sent = 0;
  /**
   * Whether `sent` counts from the start of the session. A page that came back after a reload does not
   * know what the page before it sent: it takes the gateway's count as it stands.
   */
  private counting = false;
  private retained: Chunk[] = [];
  private retainedBytes = 0;
  private queue: Uint8Array[] = [];
  private queueBytes = 0;

  constructor(
    private readonly maxRetained = DEFAULT_MAX_RETAINED,
    private readonly maxQueued = DEFAULT_MAX_QUEUED,
  ) {}

  /** A new session: nothing sent yet. `counting` is false when taking over a session started elsewhere. */
  reset(counting: boolean): void {
    this.sent = 0;
    this.counting = counting;
    this.retained = [];
    this.retainedBytes = 0;
    this.queue = [];
    this.queueBytes = 0;
  }

  get sentBytes(): number {
    return this.sent;
  }

  get queuedBytes(): number {
    return this.queueBytes;
  }

  /** `bytes` were just sent in an INPUT frame. */
  record(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.retained.push({ start: this.sent, bytes });
    this.sent += bytes.length;
    this.retainedBytes += bytes.length;
    // Whole chunks go, oldest first, while the rest still fills the window.
    while (
      this.retained.length > 1 &&
      this.retainedBytes - this.retained[0]!.bytes.length >= this.maxRetained
    ) {
      this.retainedBytes -= this.retained.shift()!.bytes.length;
    }
  }

  /** Holds `bytes` typed while away; false (nothing held) when they do not fit. */
  hold(bytes: Uint8Array): boolean {
    if (bytes.length === 0) return true;
    if (this.queueBytes + bytes.length > this.maxQueued) return false;
    this.queue.push(bytes);
    this.queueBytes += bytes.length;
    return true;
  }

  /**
   * The gateway got `received` bytes of the session's input. Returns what to send, in order; the caller
   * sends `resend` as is and passes each `queued` chunk to `record` as it sends it.
   */
  resume(received: number): ResumePlan {
    const queued = this.queue;
    this.queue = [];
    this.queueBytes = 0;
    if (!this.counting || received >= this.sent) {
      // Nothing of ours is missing (or, after a reload, nothing is known): count on from the gateway's count.
      this.sent = this.counting ? Math.max(received, this.sent) : received;
      this.counting = true;
      this.retained = [];
      this.retainedBytes = 0;
      return { resend: [], queued, lost: 0 };
    }
    const firstHeld = this.retained[0]?.start ?? this.sent;
    if (received < firstHeld) {
      // Some of what is missing is no longer held: sending only the rest would leave a gap in the
      // middle of what the host gets, so nothing is sent again, and the caller says how much was lost.
      const lost = this.sent - received;
      this.sent = received;
      this.retained = [];
      this.retainedBytes = 0;
      return { resend: [], queued, lost };
    }
    const resend: Uint8Array[] = [];
    const kept: Chunk[] = [];
    for (const chunk of this.retained) {
      const end = chunk.start + chunk.bytes.length;
      if (end <= received) continue; // the gateway has it
      const from = Math.max(0, received - chunk.start);
      resend.push(from === 0 ? chunk.bytes : chunk.bytes.subarray(from));
      kept.push(chunk);
    }
    this.retained = kept;
    this.retainedBytes = kept.reduce((sum, chunk) => sum + chunk.bytes.length, 0);
    return { resend, queued, lost: 0 };
  }
}
