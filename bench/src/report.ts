/** What every benchmark hands back, and the one table they are printed in. */

/** One line of the table: a figure, the baseline measured beside it in the same run, and the ratio. */
export interface ResultRow {
  /** The benchmark, e.g. "throughput host → client". */
  readonly benchmark: string;
  /** What was measured, e.g. "gateway, UTF-8 target". */
  readonly measured: string;
  /** The figure with its unit. */
  readonly value: string;
  /** The baseline and its figure, e.g. "direct TCP 1290 MiB/s". */
  readonly baseline: string;
  /** The figure against the baseline, e.g. "0.31×" or "+0.12 ms". */
  readonly ratio: string;
  /** The goal this figure is held against, if the issue sets one. */
  readonly target?: string;
  /** Whether the goal was met (undefined: no goal, or not measured). */
  readonly met?: boolean;
}

/** A correctness check the benchmark made on the way (bytes delivered intact, sessions opened…). */
export interface IntegrityCheck {
  readonly what: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ScenarioResult {
  readonly rows: ResultRow[];
  readonly checks: IntegrityCheck[];
  /** Things a reader of the table must know: skipped rows, limits that changed a size. */
  readonly notes: string[];
}

export function emptyResult(): ScenarioResult {
  return { rows: [], checks: [], notes: [] };
}

export const formatMiBs = (mibPerSecond: number): string =>
  `${mibPerSecond.toFixed(mibPerSecond >= 100 ? 0 : mibPerSecond >= 10 ? 1 : 2)} MiB/s`;
export const formatMs = (ms: number): string => `${ms < 10 ? ms.toFixed(3) : ms.toFixed(1)} ms`;
export const formatRatio = (ratio: number): string => (Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '—');
/** `value` against `base`; when the baseline is zero or below (nothing to divide by), says so with it. */
export const formatRatioTo = (value: number, base: number, shown: (n: number) => string): string =>
  base > 0 && Number.isFinite(value / base) ? formatRatio(value / base) : `— (baseline ${shown(base)})`;
export const formatKiB = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`;
export const formatMiB = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
export const formatDelta = (ms: number): string => `${ms >= 0 ? '+' : '−'}${formatMs(Math.abs(ms))}`;

const HEADER = ['benchmark', 'measured', 'value', 'baseline (same run)', 'ratio', 'target', 'met'];

function verdict(row: ResultRow): string {
  if (row.met === undefined) return '';
  return row.met ? 'yes' : 'NO';
}

/** A Markdown table, columns padded so it also reads well in a terminal. */
export function formatTable(rows: readonly ResultRow[]): string {
  const cells = rows.map((r) => [
    r.benchmark,
    r.measured,
    r.value,
    r.baseline,
    r.ratio,
    r.target ?? '',
    verdict(r),
  ]);
  // Repeated benchmark names are left blank, so each benchmark reads as one block.
  for (let k = cells.length - 1; k > 0; k--) {
    if (cells[k]![0] === cells[k - 1]![0]) cells[k]![0] = '';
  }
  const widths = HEADER.map((h, k) => Math.max(h.length, ...cells.map((c) => c[k]!.length)));
  const line = (c: string[]) => `| ${c.map((cell, k) => cell.padEnd(widths[k]!)).join(' | ')} |`;
  return [line(HEADER), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}
