/**
 * The benchmark harness still works: the whole suite in smoke mode (tiny sizes), through the same
 * entry point as `pnpm bench`. It checks the table has every row and every integrity check passed
 * (checksums equal, every session opened, every key echoed) — never a figure.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SuiteResult } from './suite.js';

const RUN_SCRIPT = fileURLToPath(new URL('../run.sh', import.meta.url));
const WEB_DIST = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
const GATEWAY_MAIN = fileURLToPath(new URL('../../apps/gateway/dist/main.js', import.meta.url));

/** Every row of the table, by benchmark and what is measured. None may be skipped: the tests install every tool. */
const EXPECTED_ROWS: Array<[string, RegExp]> = [
  ['throughput host → client', /^direct TCP$/],
  ['throughput host → client', /^Node ws↔TCP relay$/],
  ['throughput host → client', /^websockify$/],
  ['throughput host → client', /^gateway, UTF-8 target$/],
  ['throughput host → client', /^gateway, UTF-8 target, vs websockify$/],
  ['throughput host → client', /^gateway, CP437 target$/],
  ['throughput host → client', /^gateway, UTF-8 target, recorded$/],
  ['throughput host → client', /^gateway, UTF-8 target, screen state on \(telgate\.v2\)$/],
  ['throughput host → client', /^gateway, UTF-8 target, vs the compared build$/],
  ['CPU per GiB relayed', /^Node ws↔TCP relay$/],
  ['CPU per GiB relayed', /^websockify$/],
  ['CPU per GiB relayed', /^gateway, UTF-8 target$/],
  ['CPU per GiB relayed', /^gateway, CP437 target$/],
  ['CPU per GiB relayed', /^gateway, UTF-8 target, recorded, vs not recorded$/],
  ['CPU per GiB relayed', /^gateway \(BENCH_GATEWAY_COMPARE build\), UTF-8 target$/],
  ['CPU per MiB of host output', /^gateway, screen state on \(telgate\.v2\)$/],
  ['keystroke latency', /^gateway, idle$/],
  ['keystroke latency', /^gateway, \d+ sessions typing \d+ keys\/s$/],
  ['keystroke latency', /^gateway CPU per keystroke, one key at a time$/],
  ['keystroke latency', /^gateway CPU per keystroke, \d+ sessions typing \d+ keys\/s$/],
  ['scale (idle sessions)', /^gateway, sessions held open$/],
  ['scale (idle sessions)', /^gateway, RSS per idle session$/],
  ['scale (idle sessions)', /^gateway, JS heap per idle session$/],
  ['scale (idle sessions)', /^gateway, connect rate$/],
  ['scale (idle sessions)', /^gateway, heap after all closed vs before$/],
  [
    'scale (idle sessions)',
    /^gateway, RSS per idle session, survival on \(telgate\.v2, \d+-line greeting\)$/,
  ],
  ['scale (idle sessions)', /^gateway, JS heap per idle session, survival on \(telgate\.v2/],
  ['scale (idle sessions)', /^gateway, heap per detached session with a full scrollback/],
  ['scale (idle sessions)', /^gateway, RSS per detached session with a full scrollback/],
  ['flood into a slow client', /^gateway, peak RSS growth$/],
  ['flood into a slow client', /^gateway, Interrupt → host reads IAC IP$/],
  ['telnet-core parse', /^plain text/],
  ['telnet-core parse', /^IAC-dense/],
  ['telnet-core parse', /^negotiation-heavy/],
  ['browser (Chromium)', /^render rate, host → gateway → xterm\.js, as the page loads/],
  ['browser (Chromium)', /^render rate, host → gateway → xterm\.js, \?renderer=dom/],
  ['browser (Chromium)', /^render rate, host → gateway → xterm\.js, \?renderer=dom, no screen state/],
  ['browser (Chromium)', /^render rate, first stream into a new page \(cold\)/],
  ['browser (Chromium)', /^render rate, this page vs BENCH_PAGE_BASELINE, same gateway/],
  ['browser (Chromium)', /^page load → demo host prompt written, this page vs BENCH_PAGE_BASELINE$/],
  ['browser (Chromium)', /^initial JS, gzip, this page vs BENCH_PAGE_BASELINE$/],
  [
    'browser (Chromium)',
    /^render rate, this gateway vs BENCH_GATEWAY_COMPARE, same page, \?renderer=dom, warm$/,
  ],
  [
    'browser (Chromium)',
    /^render rate, this gateway vs BENCH_GATEWAY_COMPARE, same page, \?renderer=dom, no screen state/,
  ],
  ['browser (Chromium)', /^time to resume, socket open → screen drawn/],
  ['browser (Chromium)', /^keystroke echo during a flood, output: lossless/],
  ['browser (Chromium)', /^keystroke echo during a flood, output: responsive/],
  ['browser (Chromium)', /^page load → demo host prompt written$/],
  ['browser (Chromium)', /^initial JS of apps\/web\/dist, gzip$/],
  ['scale-out behind nginx', /^1 gateway, idle sessions held$/],
  ['scale-out behind nginx', /^2 gateways, idle sessions held$/],
  ['scale-out behind nginx', /^1 gateway, idle sessions per GiB of gateway RSS$/],
  ['scale-out behind nginx', /^2 gateways, idle sessions per GiB of gateway RSS$/],
  ['scale-out behind nginx', /^1 gateway, aggregate throughput, \d+ streams$/],
  ['scale-out behind nginx', /^2 gateways, aggregate throughput, \d+ streams$/],
  ['scale-out behind nginx', /^1 gateway, gateway CPU per GiB relayed$/],
  ['scale-out behind nginx', /^2 gateways, gateway CPU per GiB relayed$/],
];

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly result: SuiteResult;
}

function runSmoke(jsonFile: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [RUN_SCRIPT], {
      // The page and the gateway against themselves as the compared builds: the side-by-side paths run
      // (throughput, CPU per GiB, render rate), their figures mean nothing.
      env: {
        ...process.env,
        BENCH_SMOKE: '1',
        BENCH_JSON: jsonFile,
        BENCH_PAGE_BASELINE: WEB_DIST,
        BENCH_GATEWAY_COMPARE: GATEWAY_MAIN,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so a timeout ends the suite and everything it started.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => {
      stdout += t;
    });
    child.stderr.setEncoding('utf8').on('data', (t: string) => {
      stderr += t;
    });
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGINT');
    }, 200_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      try {
        resolve({ code, stdout, stderr, result: JSON.parse(readFileSync(jsonFile, 'utf8')) as SuiteResult });
      } catch (error) {
        reject(
          new Error(`no results from the smoke run (exit ${code}): ${(error as Error).message}\n${stderr}`),
        );
      }
    });
  });
}

describe('pnpm bench in smoke mode', () => {
  let dir: string;
  let run: Run;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'telgate-bench-smoke-'));
    run = await runSmoke(join(dir, 'results.json'));
  }, 240_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs the whole suite and prints one table with every row', () => {
    const { result, stdout } = run;
    expect(result.errors, run.stderr).toEqual([]);
    expect(run.code, run.stderr).toBe(0);

    // One table: a header line, a rule, then one line per row, in the order of EXPECTED_ROWS.
    const tableLines = stdout.split('\n').filter((line) => line.startsWith('|'));
    expect(tableLines).toHaveLength(EXPECTED_ROWS.length + 2);
    expect(tableLines[0]).toMatch(
      /\| benchmark +\| measured +\| value +\| baseline \(same run\) +\| ratio +\|/,
    );
    expect(result.rows).toHaveLength(EXPECTED_ROWS.length);
    EXPECTED_ROWS.forEach(([benchmark, measured], k) => {
      const row = result.rows[k]!;
      expect(row.benchmark).toBe(benchmark);
      expect(row.measured).toMatch(measured);
      expect(tableLines[k + 2]).toContain(row.measured);
      // A tool the row needs that is missing (Chromium, websockify, the built page) fails the test.
      expect(row.value, `${row.measured}: ${row.value}`).not.toMatch(/^skipped/);
      expect(row.value).toMatch(/\d/);
      expect(row.ratio).toMatch(/\d/);
      // A row held against a goal says whether it met it.
      if (row.target !== undefined) expect(typeof row.met, `${row.measured}: met`).toBe('boolean');
      // Only a reference row has no baseline beside it: the limit itself (direct TCP), and the one
      // gateway the two behind nginx are held against.
      const reference = row.measured === 'direct TCP' || /^1 gateway, /.test(row.measured);
      if (!reference) expect(row.baseline).toMatch(/\d/);
    });
  });

  it('states the target of each browser row that has one, and whether it was met', () => {
    const targeted = [
      /^render rate, host → gateway → xterm\.js, as the page loads/,
      /^render rate, host → gateway → xterm\.js, \?renderer=dom/,
      /^render rate, host → gateway → xterm\.js, \?renderer=dom, no screen state/,
      /^time to resume, socket open → screen drawn/,
      /^keystroke echo during a flood, output: responsive/,
    ];
    for (const pattern of targeted) {
      const row = run.result.rows.find(
        (r) => r.benchmark === 'browser (Chromium)' && pattern.test(r.measured),
      );
      expect(row?.target, String(pattern)).toMatch(/\d/);
      expect(typeof row?.met, String(pattern)).toBe('boolean');
    }
  });

  it('proves every path delivered every byte: checksums equal, sessions opened, keys echoed', () => {
    const { checks } = run.result;
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const crcChecks = checks.filter((c) => /CRC-32 equal/.test(c.detail));
    // Direct TCP, the Node relay, websockify, the gateway twice (UTF-8, CP437); the flood through the
    // gateway and through the relay.
    expect(crcChecks.length).toBeGreaterThanOrEqual(7);
    for (const what of [
      /^throughput: direct TCP/,
      /^throughput: websockify/,
      /^throughput: gateway, UTF-8 target/,
      /^throughput: gateway, CP437 target/,
      /^flood: gateway/,
      /^latency: /,
      /^scale: every session through the gateway/,
      /^scale: every dropped telgate\.v2 session was detached/,
      /^throughput: gateway, UTF-8 target, screen state on/,
      /^telnet-core: /,
    ]) {
      expect(checks.some((c) => what.test(c.what))).toBe(true);
    }
  });
});
