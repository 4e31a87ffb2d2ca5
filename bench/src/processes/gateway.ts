/**
 * The gateway under measurement: the built app (apps/gateway/dist, as `pnpm start` runs it) in a
 * process of its own, so its memory is measured alone, with the relay as production uses it.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The configuration's words come from the gateway's schema; the type is erased, the bench runs the built gateway.
import type { RawSettings } from '../../../apps/gateway/src/config/schema.js';
import { residentBytes } from './proc.js';
import { Worker, type WorkerMessage } from './worker.js';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The built gateway; BENCH_GATEWAY_MAIN runs another build (e.g. to compare a change side by side). */
export const GATEWAY_MAIN = process.env.BENCH_GATEWAY_MAIN || join(REPO_ROOT, 'apps/gateway/dist/main.js');
const MEMORY_PROBE = new URL('./memory-probe.mjs', import.meta.url).href;

/** Raised so that the benchmarks, not the per-client defences, are what limits sessions. */
export const BENCH_LIMITS = {
  maxSessions: 100_000,
  maxSessionsPerIp: 100_000,
  connectAttemptsPerMinutePerIp: 100_000,
} as const;

export interface BenchTarget {
  readonly id: string;
  readonly port: number;
  readonly charset?: string;
  /** What follows an Interrupt (the gateway's default: timing-mark). */
  readonly interruptFlush?: RawSettings['interruptFlush'];
  /** A browser that falls behind: held back to (lossless, the default) or sent the screen (responsive). */
  readonly output?: RawSettings['output'];
  /** How long a session outlives its socket (the gateway's default when absent; 0: never resumable). */
  readonly graceSeconds?: number;
}

export interface GatewayOptions {
  readonly targets: readonly BenchTarget[];
  /** Directory for the configuration file and the gateway's log. */
  readonly workDir: string;
  /** Overrides of the gateway's `limits`. */
  readonly limits?: Readonly<Record<string, number>>;
  /** Write a V8 CPU profile (.cpuprofile) of the gateway into this directory when it stops. */
  readonly cpuProfileDir?: string;
  /** The gateway build to run (default GATEWAY_MAIN), e.g. an older build measured beside this one. */
  readonly main?: string;
  /** Also start the built-in demo host (target `demo`), as `npm start` does. */
  readonly demo?: boolean;
  readonly startTimeoutMs?: number;
  /** The gateway's `recording` settings (sessions of these targets are recorded into `directory`). */
  readonly recording?: { readonly targets: readonly string[]; readonly directory: string };
}

export interface MemoryUsage extends WorkerMessage {
  readonly type: 'memory';
  readonly rss: number;
  readonly heapUsed: number;
  readonly heapTotal: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

type ProbeRequest = { readonly type: 'memory'; readonly gc: boolean };

export class GatewayProcess {
  private constructor(
    private readonly worker: Worker<MemoryUsage, ProbeRequest>,
    readonly port: number,
    readonly logFile: string,
  ) {}

  /** Starts the gateway on a free loopback port; resolves once it listens. */
  static async start(options: GatewayOptions): Promise<GatewayProcess> {
    const main = options.main ?? GATEWAY_MAIN;
    if (!existsSync(main)) {
      throw new Error(`${main} is missing: build the gateway first (npm run build)`);
    }
    const configFile = join(options.workDir, 'gateway.json');
    const logFile = join(options.workDir, `gateway-${Date.now()}.log`);
    writeFileSync(
      configFile,
      JSON.stringify({
        listen: { host: '127.0.0.1', port: 0 },
        targets: options.targets.map((t) => ({
          id: t.id,
          host: '127.0.0.1',
          port: t.port,
          charset: t.charset ?? 'UTF-8',
          negotiation: 'passive',
          output: 'lossless', // every byte reaches the page (checked); responsive is measured on its own
          ...(t.interruptFlush !== undefined && { interruptFlush: t.interruptFlush }),
          ...(t.output !== undefined && { output: t.output }),
          ...(t.graceSeconds !== undefined && { resume: { graceSeconds: t.graceSeconds } }),
        })),
        limits: { ...BENCH_LIMITS, ...options.limits },
        demo: { enabled: options.demo === true },
        ...(options.recording && { recording: options.recording }),
        // Logged as in production (one line per session start and end), to a file.
        logging: { level: 'info' },
      }),
    );
    const log = openSync(logFile, 'a');
    const profile = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
    const child = spawn(
      process.execPath,
      ['--expose-gc', '--import', MEMORY_PROBE, ...profile, main, '--config', configFile],
      { stdio: ['ignore', log, 'pipe', 'ipc'], cwd: REPO_ROOT },
    );
    closeSync(log);
    const worker = Worker.adopt<MemoryUsage, ProbeRequest>('gateway', child);

    let stderr = '';
    const timeoutMs = options.startTimeoutMs ?? 15_000;
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the gateway did not start within ${timeoutMs} ms: ${stderr.trim()}`));
      }, timeoutMs);
      child.stderr!.setEncoding('utf8').on('data', (text: string) => {
        stderr += text;
        const match = /serving http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the gateway exited (code ${code}) before listening: ${stderr.trim()}`));
      });
    }).catch(async (error: unknown) => {
      await worker.stop();
      throw error;
    });
    return new GatewayProcess(worker, port, logFile);
  }

  get pid(): number {
    return this.worker.pid;
  }

  /** The WebSocket address of a session to `targetId`. */
  sessionUrl(targetId: string): string {
    return `ws://127.0.0.1:${this.port}/ws?target=${encodeURIComponent(targetId)}`;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resident set size now, in bytes (read from /proc, no collection forced). */
  resident(): number {
    return residentBytes(this.pid);
  }

  /** The gateway's own memory figures; after a full collection when `gc` is set. */
  memory(gc = true): Promise<MemoryUsage> {
    return this.worker.request({ type: 'memory', gc }, 'memory', 10_000);
  }

  /** Sessions open according to the gateway (GET /healthz). */
  async openSessions(): Promise<number> {
    const response = await fetch(`${this.httpUrl}/healthz`, { signal: AbortSignal.timeout(5000) });
    const body = (await response.json()) as { sessions: number };
    return body.sessions;
  }

  /** Detached sessions (telgate.v2, waiting to be resumed), from GET /metrics. */
  async detachedSessions(): Promise<number> {
    const response = await fetch(`${this.httpUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
    const match = /^telgate_sessions_detached (\d+)/m.exec(await response.text());
    if (!match) throw new Error('GET /metrics has no telgate_sessions_detached');
    return Number(match[1]);
  }

  /** Waits until the gateway counts exactly `count` open sessions. */
  async waitForSessions(count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const open = await this.openSessions();
      if (open === count) return;
      if (Date.now() > deadline)
        throw new Error(`the gateway has ${open} sessions open, waited for ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** SIGTERM: the gateway closes its sessions and exits (writing its CPU profile if asked to). */
  stop(): Promise<void> {
    return this.worker.stop(15_000);
  }
}
