/**
 * Keystroke latency: one byte out, its echo back, through the gateway and straight to the echo host,
 * at idle and while other gateway sessions type at a steady rate. The two paths take turns in rounds,
 * so drift in the machine's speed hits both alike; percentiles are over all samples of a path.
 */
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { GatewayProcess } from '../processes/gateway.js';
import { cpuSeconds } from '../processes/proc.js';
import { Worker } from '../processes/worker.js';
import { emptyResult, formatDelta, formatMs, type ScenarioResult } from '../report.js';
import { type LatencySummary, summarizeLatency } from '../stats.js';
import type { EchoHostMessage } from '../workers/echo-host.js';
import type { LatencyClientConfig, LatencyClientMessage, LatencyRequest } from '../workers/latency-client.js';
import type { LoadClientsConfig, LoadClientsMessage, LoadRequest } from '../workers/load-clients.js';

const BENCHMARK = 'keystroke latency';
/** Samples of one path are taken in this many rounds, alternating with the other path. */
const ROUNDS = 4;

const describe = (s: LatencySummary) =>
  `p50 ${formatMs(s.p50)} · p99 ${formatMs(s.p99)} · max ${formatMs(s.max)}`;

async function measure(
  gateway: Worker<LatencyClientMessage, LatencyRequest>,
  direct: Worker<LatencyClientMessage, LatencyRequest>,
  samples: number,
  label: string,
  progress: (line: string) => void,
): Promise<{ gateway: LatencySummary; direct: LatencySummary }> {
  const taken = { gateway: [] as number[], direct: [] as number[] };
  const perRound = Math.max(1, Math.ceil(samples / ROUNDS));
  for (let round = 0; round < ROUNDS && taken.gateway.length < samples; round++) {
    const count = Math.min(perRound, samples - taken.gateway.length);
    progress(`latency (${label}): round ${round + 1}/${ROUNDS}, ${count} keystrokes per path`);
    const timeoutMs = 60_000 + count * 50;
    for (const [name, worker] of [
      ['direct', direct],
      ['gateway', gateway],
    ] as const) {
      const reply = await worker.request({ type: 'measure', samples: count }, 'samples', timeoutMs);
      taken[name].push(...reply.ms);
    }
  }
  return { gateway: summarizeLatency(taken.gateway), direct: summarizeLatency(taken.direct) };
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
    const viaGateway = client({ mode: 'gateway', url: gateway.sessionUrl('echo') });
    const direct = client({ mode: 'tcp', port: hostPort });
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
    await load.next('waiting', 30_000);

    const idle = await measure(viaGateway, direct, samples, 'idle', progress);

    progress(`latency: opening ${loadSessions} sessions that type ${loadKeysPerSecond} keys/s each`);
    load.send({ type: 'start' });
    const opened = await load.next('ready', 120_000);
    // Let the typing settle into its rhythm before sampling.
    await new Promise((resolve) => setTimeout(resolve, settings.smoke ? 100 : 1000));
    const before = await load.request({ type: 'stats' }, 'stats', 10_000);
    const cpuBefore = {
      gateway: cpuSeconds(gateway.pid),
      load: cpuSeconds(load.pid),
      host: cpuSeconds(host.pid),
    };
    const startedAt = Date.now();
    const loaded = await measure(viaGateway, direct, samples, `${loadSessions} sessions typing`, progress);
    const after = await load.request({ type: 'stats' }, 'stats', 10_000);
    const seconds = (Date.now() - startedAt) / 1000;
    const cores = (pid: number, was: number) => ((cpuSeconds(pid) - was) / seconds).toFixed(2);
    const cpu = {
      gateway: cores(gateway.pid, cpuBefore.gateway),
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

    const row = (label: string, s: { gateway: LatencySummary; direct: LatencySummary }, limitMs: number) => {
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
    result.notes.push(
      `Keystroke latency: ${idle.gateway.count} samples per path and condition, one key at a time; the load ran at ${keyRate.toFixed(0)} keys/s and ${echoRate.toFixed(0)} echoes/s in all while the loaded samples were taken, using ${cpu.gateway} cores in the gateway, ${cpu.load} in the process running the typing sessions and ${cpu.host} in the echo host (of 2). Direct TCP is measured under the same load, so "added" is what the gateway adds.`,
    );
  } finally {
    for (const w of workers.reverse()) await w.stop();
  }
  return result;
}
