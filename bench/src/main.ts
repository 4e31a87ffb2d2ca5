/**
 * `pnpm bench`: runs the benchmarks (all, or those named in BENCH_ONLY) and prints one table — each
 * figure with the baseline measured beside it in the same run and the ratio — then the integrity checks
 * and notes. Progress goes to stderr. Exits 1 only when the harness itself failed (a benchmark could
 * not run, or bytes arrived wrong); a figure that misses its target is reported, never an error.
 * BENCH_JSON=file also writes the results as JSON.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { formatTable } from './report.js';
import { readSettings } from './settings.js';
import { runSuite } from './suite.js';

function machine(): string {
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, load ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} at start`;
}

async function main(): Promise<number> {
  const settings = readSettings();
  const workDir = mkdtempSync(join(tmpdir(), 'telgate-bench-'));
  // Also when interrupted (the children are ended by processes/children.ts).
  process.once('exit', () => rmSync(workDir, { recursive: true, force: true }));
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const startedAt = new Date();
  const t0 = Date.now();
  const progress = (line: string) =>
    process.stderr.write(`bench: ${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s  ${line}\n`);
  const header = `telgate benchmarks${settings.smoke ? ' (smoke: tiny sizes, figures mean nothing)' : ''} — ${startedAt.toISOString()} — ${machine()}`;
  progress(header);
  try {
    const suite = await runSuite({ settings, workDir, progress, ...(profileDir && { profileDir }) });
    const lines = [header, '', formatTable(suite.rows), ''];
    lines.push('Integrity checks:');
    for (const c of suite.checks) lines.push(`- ${c.ok ? 'ok' : 'FAILED'}: ${c.what} — ${c.detail}`);
    for (const e of suite.errors) lines.push(`- FAILED: ${e.scenario} could not run — ${e.message}`);
    if (suite.notes.length > 0) {
      lines.push('', 'Notes:');
      for (const n of suite.notes) lines.push(`- ${n}`);
    }
    lines.push(
      '',
      `Durations: ${Object.entries(suite.durations)
        .map(([name, s]) => `${name} ${s.toFixed(0)} s`)
        .join(', ')}.`,
    );
    process.stdout.write(`${lines.join('\n')}\n`);
    if (process.env.BENCH_JSON) {
      writeFileSync(
        process.env.BENCH_JSON,
        JSON.stringify(
          { startedAt: startedAt.toISOString(), machine: machine(), settings, ...suite },
          null,
          2,
        ),
      );
    }
    const failed = suite.errors.length > 0 || suite.checks.some((c) => !c.ok);
    return failed ? 1 : 0;
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
