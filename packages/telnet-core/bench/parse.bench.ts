/**
 * telnet-core parse throughput. Prints MiB/s for each stream next to a baseline measured in the same run:
 * Uint8Array.prototype.indexOf finding every 0xFF in the same chunks (what a parser must at least find).
 * A second baseline is a JS loop that reads every byte once and does nothing else: the floor of any per-byte work.
 * Run: pnpm bench (in packages/telnet-core). Streams are fed in 64 KiB chunks, as a socket delivers them.
 */
import { PerformanceObserver } from 'node:perf_hooks';
// The compiled package, as the gateway runs it (`pnpm bench` builds it first).
import { Cmd, Opt, TelnetEngine } from '../dist/index.js';

const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;
const SIZE = Number(process.env.BENCH_MIB ?? 64) * MiB;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function plainText(size: number): Uint8Array {
  const line = new TextEncoder().encode(
    'drwxr-xr-x  2 root root  4096 Nov 21 16:30 \x1b[01;34mbin\x1b[0m and some text\r\n',
  );
  const out = new Uint8Array(size);
  for (let o = 0; o < size; o += line.length) out.set(line.subarray(0, Math.min(line.length, size - o)), o);
  return out;
}

/** Every 8th byte a 0xFF, doubled on the wire. */
function iacDense(size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let o = 0; o + 9 <= size; o += 9) {
    for (let k = 0; k < 7; k++) out[o + k] = 0x61 + k;
    out[o + 7] = 0xff;
    out[o + 8] = 0xff;
  }
  return out;
}

/** Negotiations and subnegotiations with a little text between: what a busy option exchange looks like. */
function negotiationHeavy(size: number): Uint8Array {
  const unit = Uint8Array.from([
    Cmd.IAC,
    Cmd.WILL,
    Opt.SGA,
    Cmd.IAC,
    Cmd.DO,
    Opt.TTYPE,
    Cmd.IAC,
    Cmd.WONT,
    Opt.SGA,
    Cmd.IAC,
    Cmd.SB,
    Opt.TTYPE,
    1,
    Cmd.IAC,
    Cmd.SE,
    0x6f,
    0x6b,
    0x0d,
    0x0a,
    Cmd.IAC,
    Cmd.SB,
    Opt.NAWS,
    0,
    80,
    0,
    24,
    Cmd.IAC,
    Cmd.SE,
    Cmd.IAC,
    Cmd.NOP,
    Cmd.IAC,
    Cmd.GA,
  ]);
  const out = new Uint8Array(size - (size % unit.length));
  for (let o = 0; o < out.length; o += unit.length) out.set(unit, o);
  return out;
}

function chunks(buf: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let o = 0; o < buf.length; o += CHUNK) out.push(buf.subarray(o, Math.min(buf.length, o + CHUNK)));
  return out;
}

let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(
  parts: Uint8Array[],
  bytes: number,
  fn: (c: Uint8Array) => void,
): { mibs: number; gcs: number } {
  const rates: number[] = [];
  const gcs: number[] = [];
  for (let r = 0; r < RUNS + 1; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    const g0 = gcCount;
    const t0 = process.hrtime.bigint();
    for (const c of parts) fn(c);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r === 0) continue; // warm-up
    rates.push(bytes / MiB / dt);
    gcs.push(gcCount - g0);
  }
  return { mibs: median(rates), gcs: median(gcs) };
}

function engineFor(kind: 'client' | 'negotiation'): { engine: TelnetEngine; sink: { bytes: number } } {
  const sink = { bytes: 0 };
  const engine = new TelnetEngine(
    { start: 'passive', lostDm: 'utf8', policy: kind === 'negotiation' ? {} : undefined },
    (e) => {
      if (e.type === 'data') sink.bytes += e.data.length;
    },
  );
  if (kind === 'negotiation') {
    // Agree NAWS/TTYPE first so the subnegotiations are processed, not just warned about.
    engine.receive(Uint8Array.of(Cmd.IAC, Cmd.DO, Opt.TTYPE));
  }
  return { engine, sink };
}

const cases = [
  { name: 'plain text (no IAC)', data: plainText(SIZE), kind: 'client' as const },
  { name: 'IAC-dense (every 8th byte 0xFF)', data: iacDense(SIZE), kind: 'client' as const },
  { name: 'negotiation-heavy', data: negotiationHeavy(SIZE / 4), kind: 'negotiation' as const },
];

const rows: string[][] = [];
for (const c of cases) {
  const parts = chunks(c.data);
  const base = measure(parts, c.data.length, (chunk) => {
    // Every 0xFF, as a parser must find them all.
    let k = chunk.indexOf(0xff);
    while (k >= 0) k = chunk.indexOf(0xff, k + 1);
  });
  let sum = 0;
  const loop = measure(parts, c.data.length, (chunk) => {
    for (let k = 0; k < chunk.length; k++) sum = (sum + chunk[k]!) | 0;
  });
  if (sum === 42) console.log('');
  const { engine, sink } = engineFor(c.kind);
  const result = measure(parts, c.data.length, (chunk) => engine.receive(chunk));
  if (sink.bytes === 0) throw new Error(`${c.name}: no data came out`);
  rows.push([
    c.name,
    `${(c.data.length / MiB).toFixed(0)} MiB`,
    result.mibs.toFixed(0),
    base.mibs.toFixed(0),
    (result.mibs / base.mibs).toFixed(2),
    loop.mibs.toFixed(0),
    (result.mibs / loop.mibs).toFixed(2),
    String(result.gcs),
  ]);
}

const header = [
  'stream',
  'size',
  'telnet-core MiB/s',
  'indexOf(0xFF) MiB/s',
  'ratio',
  'JS byte loop MiB/s',
  'ratio',
  'GCs/run',
];
const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
const fmt = (r: string[]) => `| ${r.map((c, k) => c.padEnd(widths[k]!)).join(' | ')} |`;
console.log(
  `telnet-core parse benchmark (node ${process.version}, ${RUNS} runs, median, ${CHUNK / 1024} KiB chunks)`,
);
console.log(fmt(header));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(fmt(r));
