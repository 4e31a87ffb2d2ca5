/** How a kiosk retries a lost session: exponential backoff with jitter, reset after a stable session. */
export interface BackoffPolicy {
  /** The first delay. */
  readonly initialMs: number;
  /** Each further failure multiplies the delay by this. */
  readonly factor: number;
  /** Delays never exceed this. */
  readonly maxMs: number;
  /** Up to this fraction of each delay is randomised away, so many kiosks do not retry in lockstep. */
  readonly jitter: number;
  /** A session that stayed connected this long counts as a success: the next retry starts over. */
  readonly stableAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = {
  initialMs: 1_000,
  factor: 2,
  maxMs: 60_000,
  jitter: 0.2,
  stableAfterMs: 30_000,
};

/** The delay before retry number `attempt` (0 for the first retry). `random` returns [0, 1). */
export function backoffDelay(
  attempt: number,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.floor(attempt));
  const base = Math.min(policy.maxMs, policy.initialMs * policy.factor ** exponent);
  return Math.round(base * (1 - policy.jitter * random()));
}

/**
 * Counts consecutive failures. A session that ends soon after connecting (a host that accepts and
 * drops at once) is a failure too, so a flapping host is retried ever more slowly.
 */
export class ReconnectPlanner {
  private failures = 0;
  private connectedAt: number | undefined;

  constructor(
    private readonly policy: BackoffPolicy = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  connected(at: number): void {
    this.connectedAt = at;
  }

  /** The session ended (or never started) at `at`: how long to wait before the next attempt. */
  ended(at: number): number {
    const stable = this.connectedAt !== undefined && at - this.connectedAt >= this.policy.stableAfterMs;
    this.connectedAt = undefined;
    if (stable) this.failures = 0;
    return backoffDelay(this.failures++, this.policy, this.random);
  }

  /** How many retries in a row have been scheduled since the last stable session. */
  get attempts(): number {
    return this.failures;
  }
}
