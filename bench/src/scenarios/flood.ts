/**
 * Flood: the host sends a large stream into a client that reads slowly. Flow control must keep the
 * gateway's memory flat (peak RSS growth while it runs), and an Interrupt must still reach the host at
 * once (time from the client's Interrupt to the host reading IAC IP). The baseline Node ws↔TCP relay
 * (which pauses the host on its WebSocket send buffer, as the gateway does) takes the same flood at the
 * same time, from a host of its own.
 */
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { startedAll } from '../processes/children.js';
import { GatewayProcess } from '../processes/gateway.js';
import { PeakResidentSampler, residentBytes } from '../processes/proc.js';
import { Worker } from '../processes/worker.js';
import {
  emptyResult,
  formatMiB,
  formatMs,
  formatRatio,
  formatRatioTo,
  type ScenarioResult,
} from '../report.js';
import { MiB } from '../settings.js';
import { maximum, median } from '../stats.js';
import { expectRaw, expectTerminal, type StreamExpectation, syntheticStream } from '../stream.js';
import type { FloodClientConfig, FloodClientMessage } from '../workers/flood-client.js';
import type { FloodHostConfig, FloodHostMessage, FloodHostRequest } from '../workers/flood-host.js';
import type { WsRelayConfig, WsRelayMessage, WsRelayRequest } from '../workers/ws-relay.js';

const BENCHMARK = 'flood into a slow client';
const SEED = 11;
const GROWTH_TARGET = 32 * MiB;
const INTERRUPT_TARGET_MS = 200;

interface Path {
  readonly name: string;
  readonly host: Worker<FloodHostMessage, FloodHostRequest>;
  readonly client: Worker<FloodClientMessage>;
  readonly expected: StreamExpectation;
  readonly pid: number;
  readonly gcMemory: () => Promise<{ rss: number }>;
}

interface Outcome {
  readonly growth: number;
  readonly interruptsMs: number[];
  readonly intact: boolean;
  readonly detail: string;
}

async function startHost(
  totalBytes: number,
): Promise<{ host: Path['host']; port: number; stop(): Promise<void> }> {
  const host = Worker.start<FloodHostMessage, FloodHostRequest>('flood-host', {
    totalBytes,
    seed: SEED,
  } satisfies FloodHostConfig);
  try {
    return { host, port: (await host.next('ready', 30_000)).port, stop: () => host.stop() };
  } catch (error) {
    await host.stop();
    throw error;
  }
}

export async function runFlood(context: BenchContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const { floodBytes, readBytesPerSecond, interrupts } = settings.flood;
  const result = emptyResult();
  const stream = syntheticStream(floodBytes, undefined, SEED);
  const expectedSeconds = floodBytes / readBytesPerSecond;
  const timeoutMs = 60_000 + expectedSeconds * 3000;
  // Interrupts spread evenly over the flood, none in its first or last tenth.
  const interruptsAtMs = Array.from(
    { length: interrupts },
    (_, k) => expectedSeconds * 1000 * (0.1 + (0.8 * (k + 1)) / (interrupts + 1)),
  );

  const stoppers: Array<{ stop(): Promise<void> }> = [];
  const outcomes: Record<string, Outcome> = {};
  try {
    const [gatewayHost, relayHost] = await startedAll(stoppers, [
      startHost(floodBytes),
      startHost(floodBytes),
    ]);
    const relay = Worker.start<WsRelayMessage, WsRelayRequest>(
      'ws-relay',
      { hostPort: relayHost.port } satisfies WsRelayConfig,
      ['--expose-gc'],
    );
    stoppers.push(relay);
    // IAC IP alone (interruptFlush none): the default timing-mark flush would drop output up to the
    // host's mark, and every byte is checked here. When IP reaches the host does not depend on it.
    const [gateway, relayReady] = await startedAll(stoppers, [
      GatewayProcess.start({
        workDir: context.workDir,
        targets: [{ id: 'flood', port: gatewayHost.port, interruptFlush: 'none' }],
        ...(context.profileDir && { cpuProfileDir: join(context.profileDir, 'flood') }),
      }),
      relay.next('ready', 30_000),
    ] as const);
    const relayPort = relayReady.port;

    const client = (config: FloodClientConfig) => {
      const worker = Worker.start<FloodClientMessage>('flood-client', config);
      stoppers.push(worker);
      return worker;
    };
    const common = { readBytesPerSecond, interruptsAtMs, timeoutMs };
    const terminal = expectTerminal(stream);
    const raw = expectRaw(stream);
    const paths: Path[] = [
      {
        name: 'gateway',
        host: gatewayHost.host,
        client: client({
          mode: 'gateway',
          url: gateway.sessionUrl('flood'),
          expectedBytes: terminal.bytes,
          ...common,
        }),
        expected: terminal,
        pid: gateway.pid,
        gcMemory: () => gateway.memory(true),
      },
      {
        name: 'Node ws↔TCP relay',
        host: relayHost.host,
        client: client({
          mode: 'ws',
          url: `ws://127.0.0.1:${relayPort}/`,
          expectedBytes: raw.bytes,
          ...common,
        }),
        expected: raw,
        pid: relay.pid,
        gcMemory: () => relay.request({ type: 'memory', gc: true }, 'memory', 10_000),
      },
    ];
    for (const p of paths) {
      await p.client.next('connected', 30_000);
      await p.host.next('connected', 30_000);
    }
    // Resident size with the session open and nothing flowing yet, after a full collection.
    const baselines = await Promise.all(paths.map(async (p) => (await p.gcMemory()).rss));
    const samplers = paths.map((p) => new PeakResidentSampler(p.pid));
    progress(
      `flood: ${(floodBytes / MiB).toFixed(0)} MiB into clients reading ${(readBytesPerSecond / MiB).toFixed(1)} MiB/s (about ${expectedSeconds.toFixed(0)} s), ${interrupts} interrupts`,
    );
    for (const p of paths) p.host.send({ type: 'start' });
    // What the gateway's memory holds while the flood runs (no collection forced): output buffers
    // (arrayBuffers) against the JavaScript heap, to tell held output from garbage not yet collected.
    const inside = { arrayBuffers: 0, heapTotal: 0, heapUsed: 0 };
    let sampling = true;
    const sampleInside = (async () => {
      const start = await gateway.memory(false);
      while (sampling) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        const m = await gateway.memory(false).catch(() => undefined);
        if (!m) break;
        inside.arrayBuffers = Math.max(inside.arrayBuffers, m.arrayBuffers - start.arrayBuffers);
        inside.heapTotal = Math.max(inside.heapTotal, m.heapTotal - start.heapTotal);
        inside.heapUsed = Math.max(inside.heapUsed, m.heapUsed - start.heapUsed);
      }
    })();

    await Promise.all(
      paths.map(async (p, k) => {
        const got = await p.client.next('result', timeoutMs + 15_000);
        const peak = samplers[k]!.stop();
        const seen: number[] = [];
        for (let n = 0; n < got.interruptsSentAt.length; n++) {
          const ip = await p.host.next('ip', 5_000).catch(() => undefined);
          if (ip) seen.push(ip.at - got.interruptsSentAt[n]!);
        }
        const intact =
          got.bytes === p.expected.bytes && got.crc === p.expected.crc && got.ended === undefined;
        outcomes[p.name] = {
          growth: Math.max(0, peak - baselines[k]!),
          interruptsMs: seen,
          intact: intact && seen.length === interrupts,
          detail: `${got.bytes} of ${p.expected.bytes} bytes, CRC-32 ${got.crc === p.expected.crc ? 'equal' : 'differs'}, ${got.seconds.toFixed(1)} s; ${seen.length} of ${interrupts} interrupts reached the host${got.ended ? `; ${got.ended}` : ''}`,
        };
      }),
    );
    sampling = false;
    await sampleInside;
    result.notes.push(
      `Flood, inside the gateway (sampled every 250 ms, no collection forced): Buffers (output held and read) grew by at most ${formatMiB(inside.arrayBuffers)}, the JavaScript heap by ${formatMiB(inside.heapTotal)} reserved and ${formatMiB(inside.heapUsed)} used; RSS ${formatMiB(baselines[0]!)} before the flood (after a full collection), ${formatMiB(residentBytes(paths[0]!.pid))} after.`,
    );
  } finally {
    for (const s of stoppers.reverse()) await s.stop();
  }

  const gw = outcomes.gateway!;
  const relay = outcomes['Node ws↔TCP relay']!;
  for (const [name, o] of Object.entries(outcomes)) {
    result.checks.push({
      what: `flood: ${name} delivers every byte intact and every interrupt`,
      ok: o.intact,
      detail: o.detail,
    });
  }
  result.rows.push(
    {
      benchmark: BENCHMARK,
      measured: 'gateway, peak RSS growth',
      value: formatMiB(gw.growth),
      baseline: `Node ws↔TCP relay ${formatMiB(relay.growth)}`,
      ratio: formatRatioTo(gw.growth, relay.growth, formatMiB),
      target: '≤ 32 MiB',
      met: gw.growth <= GROWTH_TARGET,
    },
    {
      benchmark: BENCHMARK,
      measured: 'gateway, Interrupt → host reads IAC IP',
      value: `median ${formatMs(median(gw.interruptsMs))} · max ${formatMs(maximum(gw.interruptsMs))}`,
      baseline: `IAC IP through the Node relay: median ${formatMs(median(relay.interruptsMs))} · max ${formatMs(maximum(relay.interruptsMs))}`,
      ratio: formatRatio(maximum(gw.interruptsMs) / maximum(relay.interruptsMs)),
      target: '≤ 200 ms',
      met: maximum(gw.interruptsMs) <= INTERRUPT_TARGET_MS,
    },
  );
  result.notes.push(
    `Flood: ${(floodBytes / MiB).toFixed(0)} MiB of the throughput stream into a client reading ${(readBytesPerSecond / MiB).toFixed(1)} MiB/s and acknowledging what it read; growth is the peak resident size during the flood (sampled every 20 ms, and the kernel's high-water mark) minus the size before it; ${interrupts} interrupts spread over the flood. The gateway's flood target sends IAC IP alone (interruptFlush: none) so every byte can be checked.`,
  );
  return result;
}
