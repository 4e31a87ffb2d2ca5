/**
 * Throughput host → client: the same synthetic host stream over
 * (a) direct TCP (the limit), (b) a minimal Node ws↔TCP relay, (c) websockify, and the gateway with
 * (d) a UTF-8 target, (e) a CP437 target (charset conversion on) and (f) a UTF-8 target whose sessions
 * are recorded (asciicast v2 files in the work directory). Median of the runs; the variants
 * take turns within each run so that drift in the machine's speed hits them alike.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { startedAll } from '../processes/children.js';
import { GatewayProcess } from '../processes/gateway.js';
import { childrenOf, treeCpuSeconds } from '../processes/proc.js';
import { startWebsockify, websockifyProblem } from '../processes/websockify.js';
import { Worker } from '../processes/worker.js';
import { emptyResult, formatMiBs, formatRatio, type ScenarioResult } from '../report.js';
import { MiB } from '../settings.js';
import { median } from '../stats.js';
import { expectRaw, expectTerminal, type StreamExpectation, syntheticStream, wireBytes } from '../stream.js';
import type {
  StreamClientConfig,
  StreamClientMessage,
  StreamClientRequest,
} from '../workers/stream-client.js';
import type { StreamHostConfig, StreamHostMessage } from '../workers/stream-host.js';
import type { WsRelayConfig, WsRelayMessage } from '../workers/ws-relay.js';

const BENCHMARK = 'throughput host → client';
const CPU_BENCHMARK = 'CPU per GiB relayed';
const SCREEN_BENCHMARK = 'CPU per MiB of host output';

const formatCpuPerGiB = (seconds: number) =>
  Number.isFinite(seconds) ? `${seconds.toFixed(2)} s/GiB` : 'n/a';
const SEED = 7;
/** Another gateway build (its dist/main.js) measured beside this one: the UTF-8 rows, taking turns. */
const COMPARE_MAIN = process.env.BENCH_GATEWAY_COMPARE || undefined;

interface Variant {
  readonly name: string;
  readonly client: StreamClientConfig;
  readonly expected: StreamExpectation;
  readonly rates: number[];
  readonly failures: string[];
  /** The relay's process, whose CPU time is counted; none for direct TCP. */
  readonly relayPid?: number;
  /** CPU seconds the relay used and host bytes it relayed, over the measured runs. */
  cpuSeconds: number;
  relayedBytes: number;
}

const GiB = 1024 * MiB;

/** Receives the stream once through `variant`: its rate in host MiB/s, or why the bytes were wrong. */
async function receiveOnce(
  client: Worker<StreamClientMessage, StreamClientRequest>,
  variant: Variant,
  hostBytes: number,
): Promise<void> {
  const cpuBefore = variant.relayPid === undefined ? 0 : treeCpuSeconds(variant.relayPid);
  const result = await client.request(
    { type: 'receive', config: variant.client },
    'result',
    variant.client.timeoutMs + 15_000,
  );
  const { expected } = variant;
  if (result.bytes !== expected.bytes || result.crc !== expected.crc) {
    variant.failures.push(
      `${expected.bytes - result.bytes} bytes lost, CRC ${result.crc === expected.crc ? 'equal' : 'differs'}${result.ended ? ` (${result.ended})` : ''}`,
    );
    return;
  }
  variant.rates.push(hostBytes / MiB / result.seconds);
  if (variant.relayPid !== undefined) {
    // A relay that forks per connection (websockify): its child's time reaches the parent's count only
    // once the parent has reaped it; an exited child not yet reaped would be counted nowhere.
    for (let waited = 0; waited < 2000 && childrenOf(variant.relayPid).length > 0; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    variant.cpuSeconds += treeCpuSeconds(variant.relayPid) - cpuBefore;
    variant.relayedBytes += hostBytes;
  }
}

export async function runThroughput(context: BenchContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const result = emptyResult();
  const stream = syntheticStream(settings.throughput.streamBytes, undefined, SEED);
  const hostBytes = wireBytes(stream);
  // Generous: a loaded two-core machine may be slow, but never this slow.
  const timeoutMs = 30_000 + (hostBytes / MiB) * 500;

  const workers: Array<{ stop(): Promise<void> }> = [];
  try {
    // The client starts while the host generates its stream.
    const client = Worker.start<StreamClientMessage, StreamClientRequest>('stream-client', {});
    workers.push(client);
    const host = Worker.start<StreamHostMessage>('stream-host', {
      totalBytes: settings.throughput.streamBytes,
      seed: SEED,
    } satisfies StreamHostConfig);
    workers.push(host);
    const hostPort = (await host.next('ready', 30_000)).port;

    const relay = Worker.start<WsRelayMessage>('ws-relay', { hostPort } satisfies WsRelayConfig);
    workers.push(relay);
    const missing = websockifyProblem();
    // The relays start side by side; whatever started is stopped below even if another failed.
    const [relayReady, websockify, gateway] = await startedAll(workers, [
      relay.next('ready', 30_000),
      missing === undefined ? startWebsockify(hostPort, context.workDir) : Promise.resolve(undefined),
      GatewayProcess.start({
        workDir: context.workDir,
        targets: [
          { id: 'stream', port: hostPort },
          { id: 'stream-cp437', port: hostPort, charset: 'CP437' },
          { id: 'stream-recorded', port: hostPort },
        ],
        recording: { targets: ['stream-recorded'], directory: join(context.workDir, 'recordings') },
        ...(context.profileDir && { cpuProfileDir: join(context.profileDir, 'throughput') }),
      }),
    ] as const);
    const relayPort = relayReady.port;
    const compared = COMPARE_MAIN
      ? await GatewayProcess.start({
          main: COMPARE_MAIN,
          workDir: context.workDir,
          targets: [{ id: 'stream', port: hostPort }],
        })
      : undefined;
    if (compared) workers.push(compared);
    // The screen-state session gets a gateway process of its own: the headless terminals it keeps must
    // not weigh on the other rows' collections.
    const screenGateway = await GatewayProcess.start({
      workDir: context.workDir,
      targets: [{ id: 'stream', port: hostPort }],
    });
    workers.push(screenGateway);

    const raw = expectRaw(stream);
    const variant = (
      name: string,
      client: StreamClientConfig,
      expected: StreamExpectation,
      relayPid?: number,
    ): Variant => ({
      name,
      client,
      expected,
      rates: [],
      failures: [],
      ...(relayPid !== undefined && { relayPid }),
      cpuSeconds: 0,
      relayedBytes: 0,
    });
    const direct = variant(
      'direct TCP',
      { mode: 'tcp', port: hostPort, expectedBytes: raw.bytes, timeoutMs },
      raw,
    );
    const nodeRelay = variant(
      'Node ws↔TCP relay',
      { mode: 'ws', url: `ws://127.0.0.1:${relayPort}/`, protocols: [], expectedBytes: raw.bytes, timeoutMs },
      raw,
      relay.pid,
    );
    const bridge = websockify
      ? variant(
          'websockify',
          { mode: 'ws', url: websockify.url, protocols: ['binary'], expectedBytes: raw.bytes, timeoutMs },
          raw,
          websockify.pid,
        )
      : undefined;
    const utf8 = expectTerminal(stream);
    const gatewayUtf8 = variant(
      'gateway, UTF-8 target',
      { mode: 'gateway', url: gateway.sessionUrl('stream'), expectedBytes: utf8.bytes, timeoutMs },
      utf8,
      gateway.pid,
    );
    const cp437 = expectTerminal(stream, 'CP437');
    const gatewayCp437 = variant(
      'gateway, CP437 target',
      { mode: 'gateway', url: gateway.sessionUrl('stream-cp437'), expectedBytes: cp437.bytes, timeoutMs },
      cp437,
      gateway.pid,
    );
    const gatewayRecorded = variant(
      'gateway, UTF-8 target, recorded',
      { mode: 'gateway', url: gateway.sessionUrl('stream-recorded'), expectedBytes: utf8.bytes, timeoutMs },
      utf8,
      gateway.pid,
    );
    // The same session on telgate.v2: the gateway also feeds every byte to the session's screen state
    // (a headless xterm.js), which a resume or a browser that fell behind is sent.
    const gatewayScreen = variant(
      'gateway, UTF-8 target, screen state on (telgate.v2)',
      {
        mode: 'gateway',
        url: screenGateway.sessionUrl('stream'),
        expectedBytes: utf8.bytes,
        timeoutMs: timeoutMs * 4,
        survival: true,
      },
      utf8,
      screenGateway.pid,
    );
    const gatewayCompared = compared
      ? variant(
          'gateway (BENCH_GATEWAY_COMPARE build), UTF-8 target',
          { mode: 'gateway', url: compared.sessionUrl('stream'), expectedBytes: utf8.bytes, timeoutMs },
          utf8,
          compared.pid,
        )
      : undefined;
    const variants = [
      direct,
      nodeRelay,
      ...(bridge ? [bridge] : []),
      gatewayUtf8,
      ...(gatewayCompared ? [gatewayCompared] : []),
      gatewayCp437,
      gatewayRecorded,
      gatewayScreen,
    ];

    await client.next('ready', 30_000);
    // A short pass through every path first, so that no path's first run pays for compiling its code.
    const warmUpBytes = Math.min(16 * MiB, Math.floor(hostBytes / 4));
    progress(`throughput: warming up every path (${(warmUpBytes / MiB).toFixed(0)} MiB each)`);
    for (const v of variants) {
      await client.request(
        { type: 'receive', config: { ...v.client, stopAfterBytes: warmUpBytes } },
        'result',
        v.client.timeoutMs + 15_000,
      );
    }
    for (let run = 1; run <= settings.throughput.runs; run++) {
      for (const v of variants) {
        progress(
          `throughput: run ${run}/${settings.throughput.runs}, ${v.name} (${(hostBytes / MiB).toFixed(0)} MiB)`,
        );
        await receiveOnce(client, v, hostBytes);
      }
    }

    for (const v of variants) {
      result.checks.push({
        what: `throughput: ${v.name} delivers every byte intact`,
        ok: v.failures.length === 0,
        detail:
          v.failures.length === 0
            ? `${settings.throughput.runs} × ${v.expected.bytes} bytes, CRC-32 equal`
            : v.failures.join('; '),
      });
    }

    const rate = (v: Variant) => (v.rates.length > 0 ? median(v.rates) : Number.NaN);
    const row = (
      v: Variant,
      base: Variant | undefined,
      target?: { text: string; min: number },
      measured = v.name,
    ) => {
      const ratio = base ? rate(v) / rate(base) : 1;
      result.rows.push({
        benchmark: BENCHMARK,
        measured,
        value: formatMiBs(rate(v)),
        baseline: base ? `${base.name} ${formatMiBs(rate(base))}` : '— (the limit)',
        ratio: base ? formatRatio(ratio) : '1.00×',
        ...(target && { target: target.text, met: Number.isFinite(ratio) ? ratio >= target.min : false }),
      });
    };
    const skippedCpu = (measured: string) =>
      result.rows.push({
        benchmark: CPU_BENCHMARK,
        measured,
        value: `skipped: ${missing}`,
        baseline: '—',
        ratio: '—',
      });
    const skipped = (measured: string, target?: string) =>
      result.rows.push({
        benchmark: BENCHMARK,
        measured,
        value: `skipped: ${missing}`,
        baseline: '—',
        ratio: '—',
        ...(target && { target }),
      });
    row(direct, undefined);
    row(nodeRelay, direct);
    if (bridge) row(bridge, direct);
    else skipped('websockify');
    row(gatewayUtf8, direct, { text: '≥ 0.75× direct TCP', min: 0.75 });
    if (bridge) {
      row(
        gatewayUtf8,
        bridge,
        { text: '≥ 1.5× websockify', min: 1.5 },
        'gateway, UTF-8 target, vs websockify',
      );
    } else skipped('gateway, UTF-8 target, vs websockify', '≥ 1.5× websockify');
    row(gatewayCp437, gatewayUtf8);
    row(gatewayRecorded, gatewayUtf8);
    row(gatewayScreen, gatewayUtf8);
    if (gatewayCompared)
      row(gatewayUtf8, gatewayCompared, undefined, 'gateway, UTF-8 target, vs the compared build');

    // What one core can relay: CPU seconds per GiB of host output, against the bare Node relay.
    const cpuPerGiB = (v: Variant) =>
      v.relayedBytes > 0 ? v.cpuSeconds / (v.relayedBytes / GiB) : Number.NaN;
    const cpuRow = (v: Variant, target?: { text: string; max: number }) => {
      const ratio = cpuPerGiB(v) / cpuPerGiB(nodeRelay);
      result.rows.push({
        benchmark: CPU_BENCHMARK,
        measured: v.name,
        value: formatCpuPerGiB(cpuPerGiB(v)),
        baseline: `${nodeRelay.name} ${formatCpuPerGiB(cpuPerGiB(nodeRelay))}`,
        ratio: formatRatio(ratio),
        ...(target && { target: target.text, met: Number.isFinite(ratio) && ratio <= target.max }),
      });
    };
    cpuRow(nodeRelay);
    if (bridge) cpuRow(bridge);
    else skippedCpu('websockify');
    cpuRow(gatewayUtf8, { text: '≤ 1.5× Node relay', max: 1.5 });
    cpuRow(gatewayCp437);
    // Recording's own cost: the same target with and without recording, in the same run.
    result.rows.push({
      benchmark: CPU_BENCHMARK,
      measured: 'gateway, UTF-8 target, recorded, vs not recorded',
      value: formatCpuPerGiB(cpuPerGiB(gatewayRecorded)),
      baseline: `${gatewayUtf8.name} ${formatCpuPerGiB(cpuPerGiB(gatewayUtf8))}`,
      ratio: formatRatio(cpuPerGiB(gatewayRecorded) / cpuPerGiB(gatewayUtf8)),
    });
    // Whether recording kept up: every recorded session's metadata says if its file is complete.
    const recordingDir = join(context.workDir, 'recordings');
    const metas = existsSync(recordingDir)
      ? readdirSync(recordingDir)
          .filter((name) => name.endsWith('.json'))
          .map((name) => JSON.parse(readFileSync(join(recordingDir, name), 'utf8')) as { complete?: boolean })
      : [];
    const complete = metas.filter((meta) => meta.complete === true).length;
    result.notes.push(
      `Recorded sessions: ${complete} of ${metas.length} recordings complete (an incomplete one dropped output because the disk did not keep up; the session itself is never held back).`,
    );
    if (gatewayCompared) {
      cpuRow(gatewayCompared);
      result.notes.push(
        `BENCH_GATEWAY_COMPARE: ${COMPARE_MAIN} ran the UTF-8 stream beside this build, taking turns with it in every run.`,
      );
    }

    // Screen state on vs off: the same build and target, telgate.v2 against telgate.v1.
    const msPerMiB = (v: Variant) => (cpuPerGiB(v) / 1024) * 1000;
    const formatMsPerMiB = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(1)} ms/MiB` : 'n/a');
    result.rows.push({
      benchmark: SCREEN_BENCHMARK,
      measured: 'gateway, screen state on (telgate.v2)',
      value: formatMsPerMiB(msPerMiB(gatewayScreen)),
      baseline: `screen state off (telgate.v1) ${formatMsPerMiB(msPerMiB(gatewayUtf8))}`,
      ratio: formatRatio(msPerMiB(gatewayScreen) / msPerMiB(gatewayUtf8)),
    });
    result.notes.push(
      "CPU per MiB of host output: the gateway process's CPU time (as above) per MiB from the host, the same build, UTF-8 target and stream (in a gateway process of its own, so that its screen states do not burden the other rows), the session opened on telgate.v2 (survival on: every byte also goes to the session's headless xterm.js, so that a resumed or lagging page can be sent the screen) against telgate.v1 (no screen state). With the screen state on, the host is read only as fast as the headless terminal parses.",
    );
    result.notes.push(
      'CPU per GiB: user + system time of the relay process (websockify: with the process it forks per connection) during the measured runs, from /proc (schedstat), per GiB of host output — what sets how many busy sessions one core serves.',
    );
    result.notes.push(
      `Throughput: ${(hostBytes / MiB).toFixed(0)} MiB from the host per run (text, ANSI escapes, a doubled IAC every ~4 KiB, a negotiation per MiB), median of ${settings.throughput.runs}; MiB/s are host bytes per second for every row.`,
    );
  } finally {
    for (const w of workers.reverse()) await w.stop();
  }
  return result;
}
