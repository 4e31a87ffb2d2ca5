/**
 * Scale-out: the same host streams received by several clients at once through nginx (Debian's, with
 * the configuration deploy/ ships) in front of one gateway process, then in front of two. Aggregate
 * host → client throughput and the gateways' CPU per GiB relayed, then idle sessions held through each
 * and the gateways' memory for them, side by side in one run.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type NginxServer, renderTemplate, startNginx } from '@telgate/test-peers';
import type { BenchContext } from '../context.js';
import { GatewayProcess, REPO_ROOT } from '../processes/gateway.js';
import { treeCpuSeconds } from '../processes/proc.js';
import { Worker } from '../processes/worker.js';
import { emptyResult, formatMiBs, formatRatio, type ScenarioResult } from '../report.js';
import { MiB } from '../settings.js';
import { median } from '../stats.js';
import { expectTerminal, syntheticStream, wireBytes } from '../stream.js';
import type { IdleHostMessage } from '../workers/idle-host.js';
import type { ScaleClientsMessage, ScaleRequest } from '../workers/scale-clients.js';
import type { StreamClientMessage, StreamClientRequest } from '../workers/stream-client.js';
import type { StreamHostConfig, StreamHostMessage } from '../workers/stream-host.js';

const BENCHMARK = 'scale-out behind nginx';
const SEED = 11;
const GiB = 1024 * MiB;
const TEMPLATE = join(REPO_ROOT, 'deploy/nginx/telgate.conf.template');

interface Setup {
  readonly name: string;
  readonly nginx: NginxServer;
  readonly gateways: readonly GatewayProcess[];
  readonly rates: number[];
  cpuSeconds: number;
  relayedBytes: number;
  failures: string[];
}

/**
 * `worker_connections` for nginx to hold `sessions` WebSockets: two connections each (browser and
 * gateway) and room for the ones opening. nginx counts them all, and once fewer than a sixteenth of its
 * connections are free it starts closing "reusable" ones to make room — among them connections just
 * accepted whose request has not arrived yet, which their clients see reset (ECONNRESET, "socket hang
 * up"). So the busy ones must stay under 15/16 of the setting.
 */
export function nginxWorkerConnections(sessions: number): number {
  return Math.max(1024, Math.ceil(((sessions * 2 + 256) * 16) / 15));
}

/** nginx's error log, its last distinct messages: why connections through it failed. */
function nginxErrors(nginx: NginxServer): string {
  let text: string;
  try {
    text = readFileSync(join(nginx.prefix, 'logs', 'error.log'), 'utf8');
  } catch {
    return 'no error log';
  }
  const messages = text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => line.replace(/^\S+ \S+ \[\w+\] \d+#\d+: (\*\d+ )?/, '').replace(/, client: .*$/, ''));
  const distinct = [...new Set(messages)];
  return distinct.length === 0
    ? 'nothing in its error log'
    : `${messages.length} errors: ${distinct.slice(-3).join(' | ')}`;
}

export async function runScaleOut(context: BenchContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const { streamBytes, clients: clientCount, runs } = settings.scaleOut;
  const result = emptyResult();
  const stream = syntheticStream(streamBytes, undefined, SEED);
  const hostBytes = wireBytes(stream);
  const expected = expectTerminal(stream);
  const timeoutMs = 30_000 + (hostBytes / MiB) * clientCount * 500;
  const stops: Array<() => Promise<void>> = [];
  try {
    const idleHost = Worker.start<IdleHostMessage>('idle-host', {});
    stops.push(() => idleHost.stop());
    const holder = Worker.start<ScaleClientsMessage, ScaleRequest>('scale-clients', {});
    stops.push(() => holder.stop());
    const host = Worker.start<StreamHostMessage>('stream-host', {
      totalBytes: streamBytes,
      seed: SEED,
    } satisfies StreamHostConfig);
    stops.push(() => host.stop());
    const hostPort = (await host.next('ready', 30_000)).port;
    const idlePort = (await idleHost.next('ready', 30_000)).port;
    const clients = Array.from({ length: clientCount }, () => {
      const client = Worker.start<StreamClientMessage, StreamClientRequest>('stream-client', {});
      stops.push(() => client.stop());
      return client;
    });
    // Both at once, each with its own configuration file; a loaded machine may take a while.
    const gateways = await Promise.all(
      ['a', 'b'].map(async (id) => {
        const workDir = join(context.workDir, `scale-out-${id}`);
        mkdirSync(workDir, { recursive: true });
        const gateway = await GatewayProcess.start({
          workDir,
          targets: [
            { id: 'stream', port: hostPort },
            { id: 'idle', port: idlePort },
          ],
          startTimeoutMs: 60_000,
        });
        stops.push(() => gateway.stop());
        return gateway;
      }),
    );
    const template = readFileSync(TEMPLATE, 'utf8');
    const proxy = async (first: GatewayProcess, second: GatewayProcess) => {
      const nginx = await startNginx({
        workerConnections: nginxWorkerConnections(settings.scaleOut.sessions),
        httpConfig: (port) =>
          renderTemplate(template, {
            TELGATE_LISTEN: `127.0.0.1:${port}`,
            TELGATE_GATEWAY_A_ID: 'a',
            TELGATE_GATEWAY_A_ADDR: `127.0.0.1:${first.port}`,
            TELGATE_GATEWAY_B_ID: 'b',
            TELGATE_GATEWAY_B_ADDR: `127.0.0.1:${second.port}`,
          }),
      });
      stops.push(() => nginx.stop());
      return nginx;
    };
    const [a, b] = gateways as [GatewayProcess, GatewayProcess];
    const setup = (name: string, nginx: NginxServer, used: GatewayProcess[]): Setup => ({
      name,
      nginx,
      gateways: used,
      rates: [],
      cpuSeconds: 0,
      relayedBytes: 0,
      failures: [],
    });
    // One gateway: both of the template's gateways are the same process.
    const one = setup('1 gateway', await proxy(a, a), [a]);
    const two = setup('2 gateways', await proxy(a, b), [a, b]);
    for (const client of clients) await client.next('ready', 30_000);

    const receiveAll = async (s: Setup, stopAfterBytes?: number) => {
      const url = `ws://127.0.0.1:${s.nginx.port}/ws?target=stream`;
      const cpuBefore = s.gateways.reduce((sum, g) => sum + treeCpuSeconds(g.pid), 0);
      const started = performance.now();
      const results = await Promise.all(
        clients.map((client) =>
          client.request(
            {
              type: 'receive',
              config: {
                mode: 'gateway',
                url,
                expectedBytes: expected.bytes,
                timeoutMs,
                ...(stopAfterBytes !== undefined && { stopAfterBytes }),
              },
            },
            'result',
            timeoutMs + 15_000,
          ),
        ),
      );
      const seconds = (performance.now() - started) / 1000;
      if (stopAfterBytes !== undefined) return;
      const bad = results.filter((r) => r.bytes !== expected.bytes || r.crc !== expected.crc);
      if (bad.length > 0) {
        s.failures.push(`${bad.length} of ${results.length} streams arrived wrong`);
        return;
      }
      s.rates.push((hostBytes * clientCount) / MiB / seconds);
      s.cpuSeconds += s.gateways.reduce((sum, g) => sum + treeCpuSeconds(g.pid), 0) - cpuBefore;
      s.relayedBytes += hostBytes * clientCount;
    };

    progress('scale-out: warming up');
    const warmUp = Math.min(8 * MiB, Math.floor(hostBytes / 4));
    await receiveAll(one, warmUp);
    await receiveAll(two, warmUp);
    for (let run = 1; run <= runs; run++) {
      for (const s of [one, two]) {
        progress(`scale-out: run ${run}/${runs}, ${s.name}, ${clientCount} streams at once`);
        await receiveAll(s);
      }
    }

    // Idle sessions: held through nginx, the gateways' resident memory before and while they are open.
    await holder.next('ready', 30_000);
    const { sessions } = settings.scaleOut;
    const held: Record<
      string,
      { opened: number; failed: number; bytes: number; firstError?: string; nginxSaid?: string }
    > = {};
    for (const s of [one, two]) {
      progress(`scale-out: ${s.name}, holding ${sessions} idle sessions`);
      const before = s.gateways.reduce((sum, g) => sum + g.resident(), 0);
      const opened = await holder.request(
        {
          type: 'open',
          config: {
            mode: 'gateway',
            url: `ws://127.0.0.1:${s.nginx.port}/ws?target=idle`,
            sessions,
            concurrency: 32,
          },
        },
        'opened',
        60_000 + sessions * 50,
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const open = s.gateways.reduce((sum, g) => sum + g.resident(), 0);
      held[s.name] = {
        opened: opened.opened,
        failed: opened.failed,
        bytes: open - before,
        ...(opened.firstError !== undefined && { firstError: opened.firstError }),
        ...(opened.failed > 0 && { nginxSaid: nginxErrors(s.nginx) }),
      };
      await holder.request({ type: 'close' }, 'closed', 120_000);
      for (const g of s.gateways) await g.waitForSessions(0, 60_000);
    }
    for (const s of [one, two]) {
      const h = held[s.name]!;
      result.checks.push({
        what: `scale-out: ${s.name} behind nginx holds every idle session asked for`,
        ok: h.opened === sessions && h.failed === 0,
        detail: `${h.opened} of ${sessions} opened, ${h.failed} failed${h.firstError ? ` (first: ${h.firstError})` : ''}${h.nginxSaid ? `; nginx: ${h.nginxSaid}` : ''}`,
      });
    }
    const perGiB = (name: string) => {
      const h = held[name]!;
      return h.bytes > 0 ? h.opened / (h.bytes / GiB) : Number.NaN;
    };
    const perGiBText = (n: number) =>
      Number.isFinite(n) ? `${Math.round(n).toLocaleString('en')} sessions/GiB` : 'n/a';
    result.rows.push(
      {
        benchmark: BENCHMARK,
        measured: '1 gateway, idle sessions held',
        value: String(held[one.name]!.opened),
        baseline: '—',
        ratio: '1.00×',
      },
      {
        benchmark: BENCHMARK,
        measured: '2 gateways, idle sessions held',
        value: String(held[two.name]!.opened),
        baseline: `1 gateway ${held[one.name]!.opened}`,
        ratio: formatRatio(held[two.name]!.opened / held[one.name]!.opened),
      },
      {
        benchmark: BENCHMARK,
        measured: '1 gateway, idle sessions per GiB of gateway RSS',
        value: perGiBText(perGiB(one.name)),
        baseline: '—',
        ratio: '1.00×',
      },
      {
        benchmark: BENCHMARK,
        measured: '2 gateways, idle sessions per GiB of gateway RSS',
        value: perGiBText(perGiB(two.name)),
        baseline: `1 gateway ${perGiBText(perGiB(one.name))}`,
        ratio: formatRatio(perGiB(two.name) / perGiB(one.name)),
      },
    );

    for (const s of [one, two]) {
      result.checks.push({
        what: `scale-out: ${s.name} behind nginx delivers every byte of every stream intact`,
        ok: s.failures.length === 0,
        detail:
          s.failures.length === 0
            ? `${runs} × ${clientCount} × ${expected.bytes} bytes, CRC-32 equal`
            : s.failures.join('; '),
      });
    }
    const rate = (s: Setup) => (s.rates.length > 0 ? median(s.rates) : Number.NaN);
    const cpu = (s: Setup) => (s.relayedBytes > 0 ? s.cpuSeconds / (s.relayedBytes / GiB) : Number.NaN);
    const cpuText = (seconds: number) => (Number.isFinite(seconds) ? `${seconds.toFixed(2)} s/GiB` : 'n/a');
    result.rows.push(
      {
        benchmark: BENCHMARK,
        measured: `1 gateway, aggregate throughput, ${clientCount} streams`,
        value: formatMiBs(rate(one)),
        baseline: '—',
        ratio: '1.00×',
      },
      {
        benchmark: BENCHMARK,
        measured: `2 gateways, aggregate throughput, ${clientCount} streams`,
        value: formatMiBs(rate(two)),
        baseline: `1 gateway ${formatMiBs(rate(one))}`,
        ratio: formatRatio(rate(two) / rate(one)),
      },
      {
        benchmark: BENCHMARK,
        measured: '1 gateway, gateway CPU per GiB relayed',
        value: cpuText(cpu(one)),
        baseline: '—',
        ratio: '1.00×',
      },
      {
        benchmark: BENCHMARK,
        measured: '2 gateways, gateway CPU per GiB relayed',
        value: cpuText(cpu(two)),
        baseline: `1 gateway ${cpuText(cpu(one))}`,
        ratio: formatRatio(cpu(two) / cpu(one)),
      },
    );
    result.notes.push(
      `Scale-out: ${clientCount} clients each receive ${(hostBytes / MiB).toFixed(0)} MiB at once through nginx (deploy/nginx/telgate.conf.template) in front of one gateway process, then two; aggregate MiB/s are host bytes of all streams per second of the slowest, median of ${runs}; CPU is the gateways' user + system time (nginx not counted). Idle sessions: ${settings.scaleOut.sessions} held through nginx, the growth of the gateways' summed RSS while they are open. Two gateways can only be faster where cores are free: on a machine shared with other work the figure says what was free.`,
    );
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => {});
  }
  return result;
}
