/** Small statistics over samples; no interpolation, so every figure is one that was actually measured. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile: the smallest sample with at least p % of the samples at or below it. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function maximum(values: readonly number[]): number {
  let max = Number.NaN;
  for (const v of values) if (!(v <= max)) max = v;
  return max;
}

export interface LatencySummary {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly count: number;
}

export function summarizeLatency(samplesMs: readonly number[]): LatencySummary {
  return {
    p50: percentile(samplesMs, 50),
    p99: percentile(samplesMs, 99),
    max: maximum(samplesMs),
    count: samplesMs.length,
  };
}

/** The median of each field over several summaries (one per run). */
export function medianSummary(runs: readonly LatencySummary[]): LatencySummary {
  return {
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    max: median(runs.map((r) => r.max)),
    count: runs.reduce((n, r) => n + r.count, 0),
  };
}

/** A monotonic clock in milliseconds that every process on this machine shares (CLOCK_MONOTONIC). */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
