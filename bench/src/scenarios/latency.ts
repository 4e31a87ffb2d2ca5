/**
 * Keystroke latency: one byte out, its echo back, through the gateway and straight to the echo host,
 * at idle and while other gateway sessions type at a steady rate. The two paths take turns in rounds,
 * so drift in the machine's speed hits both alike; percentiles are over all samples of a path.
 */
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { GatewayProcess } from '../processes/gateway.js';
import { cpuSeconds, treeCpuSeconds } from '../processes/proc.js';
import { Worker } from '../processes/worker.js';
import { emptyResult, formatDelta, formatMs, formatRatio, type ScenarioResult } from '../report.js';
import { type LatencySummary, summarizeLatency } from '../stats.js';
import type { EchoHostMessage } from '../workers/echo-host.js';
import type { LatencyClientConfig, LatencyClientMessage, LatencyRequest } from '../workers/latency-client.js';
import type { LoadClientsConfig, LoadClientsMessage, LoadRequest } from '../workers/load-clients.js';
import type { WsRelayConfig, WsRelayMessage } from '../workers/ws-relay.js';

const BENCHMARK = 'keystroke latency';
/** Samples of one path are taken in this many rounds, alternating with the other path. */
const ROUNDS = 4;

/** The gateway's CPU per keystroke before it was measured here: 86–95 µs (0.86 cores for 10,000 keys/s). */
const CPU_PER_KEY_TARGET_US = 45;

const formatUs = (us: number) => (Number.isFinite(us) ? `${us.toFixed(1)} µs` : 'n/a');

type LatencyWorker = Worker<LatencyClientMessage, LatencyRequest>;

/** A path keystrokes take, and the process whose CPU time they cost (none for direct TCP). */
interface Path {
  readonly worker: LatencyWorker;
  readonly pid?: number;
}

const describe = (s: LatencySummary) =>
  `p50 ${formatMs(s.p50)} · p99 ${formatMs(s.p99)} · max ${formatMs(s.max)}`;

interface Measured {
  readonly gateway: LatencySummary;
  readonly direct: LatencySummary;
  /** CPU seconds the gateway (and the relay, when measured) used while their own keys were typed. */
  readonly cpu: { readonly gateway: number; readonly relay: number };
}

async function measure(
  paths: { readonly gateway: Path; readonly direct: Path; readonly relay?: Path },
  samples: number,
  label: string,
  progress: (line: string) => void,
): Promise<Measured> {
  const taken = { gateway: [] as number[], direct: [] as number[], relay: [] as number[] };
  const cpu = { gateway: 0, relay: 0, direct: 0 };
  const perRound = Math.max(1, Math.ceil(samples / ROUNDS));
  const order = (['direct', 'relay', 'gateway'] as const).filter((name) => paths[name] !== undefined);
  for (let round = 0; round < ROUNDS && taken.gateway.length < samples; round++) {
    const count = Math.min(perRound, samples - taken.gateway.length);
    progress(`latency (${label}): round ${round + 1}/${ROUNDS}, ${count} keystrokes per path`);
    const timeoutMs = 60_000 + count * 50;
    for (const name of order) {
      const { worker, pid } = paths[name]!;
      const before = pid === undefined ? 0 : treeCpuSeconds(pid);
      const reply = await worker.request({ type: 'measure', samples: count }, 'samples', timeoutMs);
      if (pid !== undefined) cpu[name] += treeCpuSeconds(pid) - before;
      taken[name].push(...reply.ms);
    }
  }
  return {
    gateway: summarizeLatency(taken.gateway),
    direct: summarizeLatency(taken.direct),
    cpu: { gateway: cpu.gateway, relay: cpu.relay },
  };
}

export async function runLatency(context: BenchContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const { samples, loadSessions, loadKeysPerSecond } = settings.latency;
  const result = emptyResult();
  const workers: Array<{ stop(): Promise<void> }> = [];
  try {
    const host = Worker.start<EchoHostMessage>('echo-host', {});
    workers.push(host);
    const hostPort = (await host.next('ready', 30_000)).port;
    const gateway = await GatewayProcess.start({
      workDir: context.workDir,
      targets: [{ id: 'echo', port: hostPort }],
      ...(context.profileDir && { cpuProfileDir: join(context.profileDir, 'latency') }),
    });
    workers.push(gateway);

    const client = (config: LatencyClientConfig) => {
      const worker = Worker.start<LatencyClientMessage, LatencyRequest>('latency-client', config);
      workers.push(worker);
      return worker;
    };
    // The bare Node relay in front of the same echo host: what a keystroke costs with no protocol at all.
    const relay = Worker.start<WsRelayMessage>('ws-relay', { hostPort } satisfies WsRelayConfig);
    workers.push(relay);
    const relayPort = (await relay.next('ready', 30_000)).port;
    const viaGateway = client({ mode: 'gateway', url: gateway.sessionUrl('echo') });
    const direct = client({ mode: 'tcp', port: hostPort });
    const viaRelay = client({ mode: 'ws', url: `ws://127.0.0.1:${relayPort}/` });
    // The load's process starts now too; it opens its sessions only when asked to.
    const load = Worker.start<LoadClientsMessage, LoadRequest>('load-clients', {
      url: gateway.sessionUrl('echo'),
      sessions: loadSessions,
      keysPerSecond: loadKeysPerSecond,
      concurrency: 50,
    } satisfies LoadClientsConfig);
    workers.push(load);
    await viaGateway.next('ready', 30_000);
    await direct.next('ready', 30_000);
    await viaRelay.next('ready', 30_000);
    await load.next('waiting', 30_000);

    const idle = await measure(
      {
        gateway: { worker: viaGateway, pid: gateway.pid },
        direct: { worker: direct },
        relay: { worker: viaRelay, pid: relay.pid },
      },
      samples,
      'idle',
      progress,
    );

    progress(`latency: opening ${loadSessions} sessions that type ${loadKeysPerSecond} keys/s each`);
    load.send({ type: 'start' });
    const opened = await load.next('ready', 120_000);
    // Let the typing settle into its rhythm before sampling.
    await new Promise((resolve) => setTimeout(resolve, settings.smoke ? 100 : 1000));
    const before = await load.request({ type: 'stats' }, 'stats', 10_000);
    const cpuBefore = {
      gateway: treeCpuSeconds(gateway.pid),
      load: cpuSeconds(load.pid),
      host: cpuSeconds(host.pid),
    };
    const startedAt = Date.now();
    const loaded = await measure(
      { gateway: { worker: viaGateway }, direct: { worker: direct } },
      samples,
      `${loadSessions} sessions typing`,
      progress,
    );
    const after = await load.request({ type: 'stats' }, 'stats', 10_000);
    const cpuAfter = { gateway: treeCpuSeconds(gateway.pid) };
    const seconds = (Date.now() - startedAt) / 1000;
    const cores = (pid: number, was: number) => ((cpuSeconds(pid) - was) / seconds).toFixed(2);
    const cpu = {
      gateway: ((cpuAfter.gateway - cpuBefore.gateway) / seconds).toFixed(2),
      load: cores(load.pid, cpuBefore.load),
      host: cores(host.pid, cpuBefore.host),
    };
    const keyRate = (after.keys - before.keys) / seconds;
    const echoRate = (after.echoes - before.echoes) / seconds;
    const stopped = await load.request({ type: 'stop' }, 'stopped', 60_000);

    result.checks.push({
      what: `latency: the ${loadSessions} typing sessions stayed open and every key came back`,
      ok: opened.sessions === loadSessions && stopped.ended === 0 && stopped.echoes === stopped.keys,
      detail: `${opened.sessions} opened, ${stopped.ended} ended early, ${stopped.keys} keys typed, ${stopped.echoes} echoes`,
    });

    const row = (label: string, s: Measured, limitMs: number) => {
      const added = s.gateway.p99 - s.direct.p99;
      result.rows.push({
        benchmark: BENCHMARK,
        measured: `gateway, ${label}`,
        value: describe(s.gateway),
        baseline: `direct TCP ${describe(s.direct)}`,
        ratio: `p99 ${formatDelta(added)}`,
        target: `p99 added ≤ ${limitMs} ms`,
        met: added <= limitMs,
      });
    };
    row('idle', idle, 1);
    row(`${loadSessions} sessions typing ${loadKeysPerSecond} keys/s`, loaded, 10);

    // CPU per keystroke: one key typed, sent to the host, echoed, sent to the page and acknowledged.
    const idleUs = (idle.cpu.gateway / idle.gateway.count) * 1e6;
    const relayUs = (idle.cpu.relay / idle.gateway.count) * 1e6;
    // Every key the gateway relayed meanwhile: the load's and the measured session's own.
    const loadedKeys = after.keys - before.keys + loaded.gateway.count;
    const loadedUs = ((cpuAfter.gateway - cpuBefore.gateway) / loadedKeys) * 1e6;
    result.rows.push(
      {
        benchmark: BENCHMARK,
        measured: 'gateway CPU per keystroke, one key at a time',
        value: formatUs(idleUs),
        baseline: `Node ws↔TCP relay ${formatUs(relayUs)}`,
        ratio: formatRatio(idleUs / relayUs),
      },
      {
        benchmark: BENCHMARK,
        measured: `gateway CPU per keystroke, ${loadSessions} sessions typing ${loadKeysPerSecond} keys/s`,
        value: formatUs(loadedUs),
        baseline: `one key at a time ${formatUs(idleUs)}`,
        ratio: formatRatio(loadedUs / idleUs),
        target: `≤ ${CPU_PER_KEY_TARGET_US} µs (half of 86–95 µs)`,
        met: loadedUs <= CPU_PER_KEY_TARGET_US,
      },
    );
    result.notes.push(
      `Keystroke latency: ${idle.gateway.count} samples per path and condition, one key at a time; the load ran at ${keyRate.toFixed(0)} keys/s and ${echoRate.toFixed(0)} echoes/s in all while the loaded samples were taken, using ${cpu.gateway} cores in the gateway, ${cpu.load} in the process running the typing sessions and ${cpu.host} in the echo host (of 2). Direct TCP is measured under the same load, so "added" is what the gateway adds.`,
    );
    result.notes.push(
      `CPU per keystroke: the gateway process's CPU time (user + system, all threads, from /proc) divided by the keys it relayed — one at a time while only the measured session typed (beside the bare Node relay doing the same with one WebSocket message each way and no acknowledgement), and every key of the ${loadSessions} typing sessions plus the measured ones under load. Each key is one INPUT frame read, one write to the host, the echo read, one OUTPUT frame written and the page's ACK read; on loopback each write also runs the receiving side's TCP stack, which is counted to the writer.`,
    );
  } finally {
    for (const w of workers.reverse()) await w.stop();
  }
  return result;
}
