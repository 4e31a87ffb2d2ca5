/**
 * telnet-core's own parse benchmark (packages/telnet-core/bench/parse.bench.ts), run as it is and read
 * back from the table it prints, so the figures are exactly those of `pnpm --filter @telgate/telnet-core
 * bench`. It runs the compiled package, which the bench run script builds first.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { track } from '../processes/children.js';
import { REPO_ROOT } from '../processes/gateway.js';
import { TSX_LOADER } from '../processes/worker.js';
import { emptyResult, type ResultRow, type ScenarioResult } from '../report.js';

const BENCHMARK = 'telnet-core parse';
const PACKAGE = join(REPO_ROOT, 'packages/telnet-core');

/** The package's own targets, in MiB/s (1 GB/s plain text, 200 MB/s IAC-dense). */
const TARGETS: Array<{ match: RegExp; text: string; mibs?: number }> = [
  { match: /^plain text/, text: '≥ 1 GB/s', mibs: 1e9 / (1024 * 1024) },
  { match: /^IAC-dense/, text: '≥ 200 MB/s', mibs: 200e6 / (1024 * 1024) },
  { match: /^negotiation-heavy/, text: '' },
];

export interface ParseBenchRow {
  readonly stream: string;
  readonly size: string;
  readonly engine: number;
  readonly indexOf: number;
  readonly loop: number;
  readonly gcs: number;
}

/** The rows of the table parse.bench.ts prints (Markdown, one header line and a rule). */
export function parseBenchTable(output: string): ParseBenchRow[] {
  const lines = output.split('\n').filter((l) => l.startsWith('|'));
  return lines
    .slice(2)
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((c) => c.trim()),
    )
    .map(([stream, size, engine, indexOf, , loop, , gcs]) => ({
      stream: stream ?? '',
      size: size ?? '',
      engine: Number(engine),
      indexOf: Number(indexOf),
      loop: Number(loop),
      gcs: Number(gcs),
    }));
}

function runParseBench(mib: number, runs: number, pkg = PACKAGE): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', TSX_LOADER, join(pkg, 'bench/parse.bench.ts')],
      {
        cwd: pkg,
        env: { ...process.env, BENCH_MIB: String(mib), BENCH_RUNS: String(runs) },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    track(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(stdout);
      else reject(new Error(`parse.bench.ts exited with ${signal ?? code}: ${stderr.trim().slice(-500)}`));
    });
  });
}

/** The median of each stream's engine figure over several tables of the same streams. */
export function medianRows(tables: readonly ParseBenchRow[][]): ParseBenchRow[] {
  const first = tables[0] ?? [];
  return first.map((row, i) => {
    const engines = tables.map((t) => t[i]?.engine ?? Number.NaN).sort((a, b) => a - b);
    return { ...row, engine: engines[Math.floor(engines.length / 2)] ?? Number.NaN };
  });
}

/**
 * This build's parse benchmark and another telnet-core's (BENCH_CORE_COMPARE, e.g. a checkout of an
 * earlier commit, built) taking turns `rounds` times, so that both see the same machine.
 */
async function compareBuilds(
  context: BenchContext,
  comparePackage: string,
  result: ScenarioResult,
): Promise<void> {
  const { mib, runs } = context.settings.telnetCore;
  if (
    !existsSync(join(comparePackage, 'bench/parse.bench.ts')) ||
    !existsSync(join(comparePackage, 'dist/index.js'))
  ) {
    throw new Error(
      `BENCH_CORE_COMPARE=${comparePackage}: not a built telnet-core package (bench/parse.bench.ts, dist/index.js)`,
    );
  }
  const rounds = 3;
  const ours: ParseBenchRow[][] = [];
  const theirs: ParseBenchRow[][] = [];
  for (let round = 1; round <= rounds; round += 1) {
    context.progress(`telnet-core: parse benchmark beside ${comparePackage}, round ${round} of ${rounds}`);
    theirs.push(parseBenchTable(await runParseBench(mib, runs, comparePackage)));
    ours.push(parseBenchTable(await runParseBench(mib, runs)));
  }
  const mine = medianRows(ours);
  const other = medianRows(theirs);
  for (const row of mine) {
    const before = other.find((r) => r.stream === row.stream);
    if (!before) continue;
    result.rows.push({
      benchmark: BENCHMARK,
      measured: `${row.stream}, ${row.size}, this build beside BENCH_CORE_COMPARE`,
      value: `${row.engine} MiB/s`,
      baseline: `BENCH_CORE_COMPARE build ${before.engine} MiB/s`,
      ratio: `${(row.engine / before.engine).toFixed(2)}×`,
    });
  }
  result.notes.push(
    `telnet-core: BENCH_CORE_COMPARE=${comparePackage} and this build took turns ${rounds} times (each a median of ${runs} runs); the rows give the median of the ${rounds} turns.`,
  );
}

export async function runTelnetCore(context: BenchContext): Promise<ScenarioResult> {
  const { mib, runs, comparePackage } = context.settings.telnetCore;
  const result = emptyResult();
  if (!existsSync(join(PACKAGE, 'dist/index.js'))) {
    throw new Error('packages/telnet-core/dist is missing: build it first (tsc -b)');
  }
  context.progress(`telnet-core: parse benchmark, ${mib} MiB streams, ${runs} runs`);
  const rows = parseBenchTable(await runParseBench(mib, runs));
  result.checks.push({
    what: 'telnet-core: the parse benchmark ran every stream',
    ok: rows.length === TARGETS.length && rows.every((r) => Number.isFinite(r.engine) && r.engine > 0),
    detail: `${rows.length} streams: ${rows.map((r) => r.stream).join(', ')}`,
  });
  for (const row of rows) {
    const target = TARGETS.find((t) => t.match.test(row.stream));
    const line: ResultRow = {
      benchmark: BENCHMARK,
      measured: `${row.stream}, ${row.size}`,
      value: `${row.engine} MiB/s`,
      baseline: `indexOf(0xFF) ${row.indexOf} MiB/s; JS byte loop ${row.loop} MiB/s`,
      ratio: `${(row.engine / row.indexOf).toFixed(2)}× · ${(row.engine / row.loop).toFixed(2)}×`,
      ...(target?.mibs !== undefined && { target: target.text, met: row.engine >= target.mibs }),
    };
    result.rows.push(line);
  }
  if (comparePackage) await compareBuilds(context, comparePackage, result);
  result.notes.push(
    `telnet-core: packages/telnet-core/bench/parse.bench.ts as it is (compiled package, 64 KiB chunks, median of ${runs} runs); ratios are to indexOf(0xFF) and to a JS loop reading every byte once; GCs per run: ${rows.map((r) => r.gcs).join(', ')}.`,
  );
  return result;
}
