/** Sizes and counts of every benchmark, from the environment; BENCH_SMOKE=1 shrinks them to seconds. */

export const MiB = 1024 * 1024;

export const SCENARIOS = [
  'throughput',
  'latency',
  'scale',
  'flood',
  'telnet-core',
  'browser',
  'scale-out',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchSettings {
  readonly smoke: boolean;
  /** Scenarios to run, in this order. */
  readonly scenarios: readonly ScenarioName[];
  readonly throughput: {
    /** Host → client bytes per run. */
    readonly streamBytes: number;
    readonly runs: number;
  };
  readonly latency: {
    readonly samples: number;
    /** Other sessions typing while the loaded samples are taken. */
    readonly loadSessions: number;
    readonly loadKeysPerSecond: number;
    readonly runs: number;
  };
  readonly scale: {
    /** Wanted; fewer when the open-file limit cannot hold that many (two descriptors per session). */
    readonly sessions: number;
    /** Connection attempts in flight at once. */
    readonly concurrency: number;
  };
  readonly flood: {
    readonly floodBytes: number;
    /** How fast the slow client reads and acknowledges. */
    readonly readBytesPerSecond: number;
    /** Interrupts sent into a running flood, each one latency sample. */
    readonly interrupts: number;
  };
  readonly telnetCore: {
    readonly mib: number;
    readonly runs: number;
    /** Another telnet-core package directory whose parse benchmark takes turns with this one (BENCH_CORE_COMPARE). */
    readonly comparePackage: string | undefined;
  };
  readonly browser: {
    readonly streamBytes: number;
    readonly keystrokes: number;
    readonly runs: number;
    /** Sockets dropped, each one resume timed. */
    readonly resumes: number;
    /** Another build of the page (a `dist` directory) to measure beside this one (BENCH_PAGE_BASELINE). */
    readonly baselinePage: string | undefined;
    /** Another gateway build (its main.js), streamed through beside this one by the same page. */
    readonly compareGateway: string | undefined;
  };
  readonly scaleOut: {
    /** Host → client bytes per stream. */
    readonly streamBytes: number;
    /** Streams received at once. */
    readonly clients: number;
    readonly runs: number;
    /** Idle sessions held through nginx, with one gateway and with two. */
    readonly sessions: number;
  };
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  return Math.max(1, Math.round(positive(env, name, fallback)));
}

function readScenarios(raw: string | undefined): ScenarioName[] {
  if (raw === undefined || raw.trim() === '') return [...SCENARIOS];
  const wanted = raw.split(',').map((s) => s.trim());
  const unknown = wanted.filter((s) => !(SCENARIOS as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new RangeError(
      `BENCH_ONLY names unknown benchmarks ${unknown.join(', ')}; known: ${SCENARIOS.join(', ')}`,
    );
  }
  return SCENARIOS.filter((s) => wanted.includes(s));
}

/**
 * Full sizes are the issue's: 256 MiB streams, 10,000 keystrokes, 10,000 sessions, a 100 MiB flood.
 * Each can be shrunk (or grown) on its own; smoke mode picks sizes that run the whole suite in seconds.
 */
export function readSettings(env: NodeJS.ProcessEnv = process.env): BenchSettings {
  const smoke = env.BENCH_SMOKE === '1' || env.BENCH_SMOKE === 'true';
  const runs = whole(env, 'BENCH_RUNS', smoke ? 1 : 3);
  return {
    smoke,
    scenarios: readScenarios(env.BENCH_ONLY),
    throughput: {
      streamBytes: Math.round(positive(env, 'BENCH_STREAM_MIB', smoke ? 2 : 256) * MiB),
      runs,
    },
    latency: {
      samples: whole(env, 'BENCH_LATENCY_SAMPLES', smoke ? 100 : 10_000),
      loadSessions: whole(env, 'BENCH_LOAD_SESSIONS', smoke ? 20 : 1_000),
      loadKeysPerSecond: positive(env, 'BENCH_LOAD_KEYS_PER_SECOND', 10),
      runs,
    },
    scale: {
      sessions: whole(env, 'BENCH_SESSIONS', smoke ? 50 : 10_000),
      concurrency: whole(env, 'BENCH_CONNECT_CONCURRENCY', 64),
    },
    flood: {
      floodBytes: Math.round(positive(env, 'BENCH_FLOOD_MIB', smoke ? 2 : 100) * MiB),
      readBytesPerSecond: Math.round(positive(env, 'BENCH_FLOOD_READ_MIBS', smoke ? 16 : 1) * MiB),
      interrupts: whole(env, 'BENCH_INTERRUPTS', smoke ? 2 : 5),
    },
    telnetCore: {
      mib: whole(env, 'BENCH_CORE_MIB', smoke ? 1 : 64),
      runs: whole(env, 'BENCH_CORE_RUNS', smoke ? 1 : 5),
      comparePackage: env.BENCH_CORE_COMPARE || undefined,
    },
    browser: {
      streamBytes: Math.round(positive(env, 'BENCH_BROWSER_MIB', smoke ? 0.25 : 8) * MiB),
      keystrokes: whole(env, 'BENCH_BROWSER_KEYS', smoke ? 3 : 300),
      runs,
      resumes: whole(env, 'BENCH_BROWSER_RESUMES', smoke ? 2 : 30),
      baselinePage: env.BENCH_PAGE_BASELINE || undefined,
      compareGateway: env.BENCH_GATEWAY_COMPARE || undefined,
    },
    scaleOut: {
      streamBytes: Math.round(positive(env, 'BENCH_SCALE_OUT_MIB', smoke ? 1 : 64) * MiB),
      clients: whole(env, 'BENCH_SCALE_OUT_CLIENTS', 4),
      runs,
      sessions: whole(env, 'BENCH_SCALE_OUT_SESSIONS', smoke ? 20 : 2000),
    },
  };
}
