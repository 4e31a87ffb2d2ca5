/**
 * Scale: many idle sessions held open at once — through the gateway, and through the baseline Node
 * ws↔TCP relay for comparison. Memory is read after a full collection before the sessions open, while
 * they are open, and after they have all closed again (it must come back: no leak).
 */
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { GatewayProcess, type MemoryUsage } from '../processes/gateway.js';
import { openFileLimit } from '../processes/proc.js';
import { Worker } from '../processes/worker.js';
import {
  emptyResult,
  formatKiB,
  formatMiB,
  formatRatio,
  formatRatioTo,
  type ScenarioResult,
} from '../report.js';
import type { IdleHostConfig, IdleHostMessage } from '../workers/idle-host.js';
import type { ScaleClientsConfig, ScaleClientsMessage, ScaleRequest } from '../workers/scale-clients.js';
import type { WsRelayConfig, WsRelayMessage, WsRelayRequest } from '../workers/ws-relay.js';

const BENCHMARK = 'scale (idle sessions)';
/** Descriptors the gateway needs besides two per session (listener, logs, its own pipes). */
const SPARE_DESCRIPTORS = 200;
/** ≤ 40 KB of RSS per idle session. */
const RSS_PER_SESSION_TARGET = 40 * 1024;
/** After closing, heap may stay above where it started by at most this share of what the sessions took. */
const LEAK_TOLERANCE = 0.1;
/** ≤ 64 KiB of RSS per idle session with survival on (its screen state kept for a resume). */
const SURVIVAL_RSS_PER_SESSION_TARGET = 64 * 1024;
/** What an idle session with survival on has printed: a login banner, a message of the day and a prompt. */
const BANNER_LINES = 24;
/** Enough to fill a detached session's whole scrollback (the gateway's default: 1,000 lines) and its screen. */
const FULL_SCROLLBACK_LINES = 1_100;
/** Detached sessions measured: each holds a full screen state (about 1 MiB), so fewer than the idle ones. */
const DETACHED_SESSIONS = 200;

type Memory = Pick<MemoryUsage, 'rss' | 'heapUsed'>;

interface Measured {
  readonly opened: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly connectPerSecond: number;
  readonly before: Memory;
  readonly open: Memory;
  readonly after: Memory;
  readonly closeSeconds: number;
}

interface Server {
  readonly url: string;
  readonly mode: ScaleClientsConfig['mode'];
  memory(): Promise<Memory>;
  /** Resolves once the server counts `count` open sessions. */
  waitForSessions(count: number, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Clients = Worker<ScaleClientsMessage, ScaleRequest>;

/** Opens `sessions`, waits until the server counts them, closes them all and waits until it counts none. */
async function openAndClose(
  clients: Clients,
  server: Server,
  sessions: number,
  concurrency: number,
  settleMs: number,
  whileOpen: () => Promise<Memory | undefined> = async () => undefined,
) {
  const opened = await clients.request(
    { type: 'open', config: { mode: server.mode, url: server.url, sessions, concurrency } },
    'opened',
    30_000 + sessions * 20,
  );
  await server.waitForSessions(opened.opened, 60_000);
  await settle(settleMs);
  const memory = await whileOpen();
  const closed = await clients.request({ type: 'close' }, 'closed', 90_000);
  await server.waitForSessions(0, 60_000);
  return { opened, memory, closed };
}

async function hold(
  clients: Clients,
  server: Server,
  sessions: number,
  concurrency: number,
  settleMs: number,
): Promise<Measured> {
  // A first small batch, so that what the first sessions set up once (compiled code, caches, pools) is
  // neither counted per session nor taken for a leak.
  await openAndClose(clients, server, Math.min(100, Math.ceil(sessions / 5)), concurrency, 0);
  await settle(settleMs);
  const before = await server.memory();
  const { opened, memory, closed } = await openAndClose(
    clients,
    server,
    sessions,
    concurrency,
    settleMs,
    () => server.memory(),
  );
  await settle(settleMs * 2);
  const after = await server.memory();
  return {
    opened: opened.opened,
    failed: opened.failed,
    ...(opened.firstError !== undefined && { firstError: opened.firstError }),
    connectPerSecond: opened.opened / opened.seconds,
    before,
    open: memory!,
    after,
    closeSeconds: closed.seconds,
  };
}

async function startRelay(hostPort: number): Promise<Server> {
  const relay = Worker.start<WsRelayMessage, WsRelayRequest>(
    'ws-relay',
    { hostPort } satisfies WsRelayConfig,
    ['--expose-gc'],
  );
  try {
    const port = (await relay.next('ready', 30_000)).port;
    const memory = () => relay.request({ type: 'memory', gc: true }, 'memory', 10_000);
    return {
      url: `ws://127.0.0.1:${port}/`,
      mode: 'ws',
      memory,
      async waitForSessions(count, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const open = (await memory()).sessions;
          if (open === count) return;
          if (Date.now() > deadline)
            throw new Error(`the relay has ${open} sessions open, waited for ${count}`);
          await settle(100);
        }
      },
      stop: () => relay.stop(),
    };
  } catch (error) {
    await relay.stop();
    throw error;
  }
}

async function startGateway(
  context: BenchContext,
  hostPort: number,
  mode: 'gateway' | 'gateway-v2' = 'gateway',
  limits?: Readonly<Record<string, number>>,
): Promise<Server & { readonly gateway: GatewayProcess }> {
  const gateway = await GatewayProcess.start({
    workDir: context.workDir,
    targets: [{ id: 'idle', port: hostPort }],
    ...(limits && { limits }),
    ...(context.profileDir && { cpuProfileDir: join(context.profileDir, `scale-${mode}`) }),
  });
  return {
    gateway,
    url: gateway.sessionUrl('idle'),
    mode,
    memory: () => gateway.memory(true),
    waitForSessions: (count, timeoutMs) => gateway.waitForSessions(count, timeoutMs),
    stop: () => gateway.stop(),
  };
}

interface Detached {
  readonly opened: number;
  readonly detached: number;
  readonly before: Memory;
  readonly after: Memory;
}

/**
 * Sessions that printed a full scrollback and then lost their browser: opened on telgate.v2 to a host
 * that prints `FULL_SCROLLBACK_LINES` lines, given time for the gateway's screen states to take it all
 * in, then dropped without a close handshake, so every one is detached and keeps its screen.
 */
async function holdDetached(
  clients: Clients,
  server: Server & { readonly gateway: GatewayProcess },
  sessions: number,
  concurrency: number,
  settleMs: number,
): Promise<Detached> {
  await settle(settleMs);
  const before = await server.memory();
  const opened = await clients.request(
    { type: 'open', config: { mode: server.mode, url: server.url, sessions, concurrency } },
    'opened',
    30_000 + sessions * 50,
  );
  await server.waitForSessions(opened.opened, 60_000);
  // The screens parse what they were sent in the background: let them finish before the sockets go.
  await settle(settleMs * 4);
  await clients.request({ type: 'drop' }, 'closed', 90_000);
  const deadline = Date.now() + 60_000;
  let detached = await server.gateway.detachedSessions();
  while (detached < opened.opened && Date.now() < deadline) {
    await settle(100);
    detached = await server.gateway.detachedSessions();
  }
  await settle(settleMs * 2);
  const after = await server.memory();
  return { opened: opened.opened, detached, before, after };
}

export async function runScale(context: BenchContext): Promise<ScenarioResult> {
  const { settings, progress } = context;
  const result = emptyResult();
  const wanted = settings.scale.sessions;
  const limit = openFileLimit();
  const fits = Math.floor((limit - SPARE_DESCRIPTORS) / 2);
  const sessions = Math.max(1, Math.min(wanted, fits));
  if (sessions < wanted) {
    result.notes.push(
      `Scale: ${sessions} sessions, not ${wanted}: the open-file limit here is ${limit} and cannot be raised (hard limit), and each session holds two descriptors in the gateway (browser and host).`,
    );
  }

  const host = Worker.start<IdleHostMessage>('idle-host', {});
  const bannerHost = Worker.start<IdleHostMessage>('idle-host', {
    greetingLines: BANNER_LINES,
  } satisfies IdleHostConfig);
  const fullHost = Worker.start<IdleHostMessage>('idle-host', {
    greetingLines: FULL_SCROLLBACK_LINES,
  } satisfies IdleHostConfig);
  const clients: Clients = Worker.start<ScaleClientsMessage, ScaleRequest>('scale-clients', {});
  const measured: {
    relay?: Measured;
    gateway?: Measured;
    bannerV1?: Measured;
    bannerV2?: Measured;
    detached?: Detached;
  } = {};
  const detachedSessions = Math.min(sessions, settings.smoke ? 10 : DETACHED_SESSIONS);
  try {
    const hostPort = (await host.next('ready', 30_000)).port;
    const bannerPort = (await bannerHost.next('ready', 30_000)).port;
    const fullPort = (await fullHost.next('ready', 30_000)).port;
    await clients.next('ready', 30_000);
    for (const kind of ['relay', 'gateway'] as const) {
      progress(
        `scale: ${sessions} idle sessions through the ${kind === 'relay' ? 'Node ws↔TCP relay' : 'gateway'}`,
      );
      const server = kind === 'relay' ? await startRelay(hostPort) : await startGateway(context, hostPort);
      try {
        measured[kind] = await hold(
          clients,
          server,
          sessions,
          settings.scale.concurrency,
          settings.smoke ? 50 : 500,
        );
      } finally {
        await server.stop();
      }
    }
    // Survival: the same idle sessions after a banner, without (telgate.v1) and with (telgate.v2) the
    // screen state kept for a resume, in one gateway process taking turns.
    const settleMs = settings.smoke ? 50 : 500;
    for (const kind of ['bannerV1', 'bannerV2'] as const) {
      const mode = kind === 'bannerV1' ? 'gateway' : 'gateway-v2';
      progress(
        `scale: ${sessions} idle sessions after a ${BANNER_LINES}-line greeting, survival ${kind === 'bannerV1' ? 'off (telgate.v1)' : 'on (telgate.v2)'}`,
      );
      const server = await startGateway(context, bannerPort, mode);
      try {
        measured[kind] = await hold(clients, server, sessions, settings.scale.concurrency, settleMs);
      } finally {
        await server.stop();
      }
    }
    progress(`scale: ${detachedSessions} detached sessions, each with a full scrollback`);
    const server = await startGateway(context, fullPort, 'gateway-v2', {
      maxDetachedSessions: detachedSessions + 10,
      maxScreenStateBytes: (detachedSessions + 10) * 4 * 1024 * 1024,
    });
    try {
      measured.detached = await holdDetached(
        clients,
        server,
        detachedSessions,
        settings.scale.concurrency,
        settleMs,
      );
    } finally {
      await server.stop();
    }
  } finally {
    await clients.stop();
    await fullHost.stop();
    await bannerHost.stop();
    await host.stop();
  }

  const gw = measured.gateway!;
  const relay = measured.relay!;
  for (const [name, m] of [
    ['gateway', gw],
    ['Node ws↔TCP relay', relay],
  ] as const) {
    result.checks.push({
      what: `scale: every session through the ${name} opened`,
      ok: m.opened === sessions && m.failed === 0,
      detail: `${m.opened} of ${sessions} opened${m.firstError ? `; first failure: ${m.firstError}` : ''}`,
    });
  }

  const perSession = (m: Measured, key: keyof Memory) =>
    (m.open[key] - m.before[key]) / Math.max(1, m.opened);
  result.rows.push(
    {
      benchmark: BENCHMARK,
      measured: 'gateway, sessions held open',
      value: `${gw.opened}`,
      baseline: `Node ws↔TCP relay ${relay.opened}`,
      ratio: formatRatio(gw.opened / relay.opened),
      target: '10,000 sessions',
      met: gw.opened >= 10_000,
    },
    {
      benchmark: BENCHMARK,
      measured: 'gateway, RSS per idle session',
      value: formatKiB(perSession(gw, 'rss')),
      baseline: `Node ws↔TCP relay ${formatKiB(perSession(relay, 'rss'))}`,
      ratio: formatRatioTo(perSession(gw, 'rss'), perSession(relay, 'rss'), formatKiB),
      target: '≤ 40 KiB',
      met: perSession(gw, 'rss') <= RSS_PER_SESSION_TARGET,
    },
    {
      benchmark: BENCHMARK,
      measured: 'gateway, JS heap per idle session',
      value: formatKiB(perSession(gw, 'heapUsed')),
      baseline: `Node ws↔TCP relay ${formatKiB(perSession(relay, 'heapUsed'))}`,
      ratio: formatRatioTo(perSession(gw, 'heapUsed'), perSession(relay, 'heapUsed'), formatKiB),
    },
    {
      benchmark: BENCHMARK,
      measured: 'gateway, connect rate',
      value: `${gw.connectPerSecond.toFixed(0)} sessions/s`,
      baseline: `Node ws↔TCP relay ${relay.connectPerSecond.toFixed(0)} sessions/s`,
      ratio: formatRatio(gw.connectPerSecond / relay.connectPerSecond),
    },
  );
  const heapTaken = gw.open.heapUsed - gw.before.heapUsed;
  const heapLeft = gw.after.heapUsed - gw.before.heapUsed;
  const relayLeft = relay.after.heapUsed - relay.before.heapUsed;
  result.rows.push({
    benchmark: BENCHMARK,
    measured: 'gateway, heap after all closed vs before',
    value: `${heapLeft >= 0 ? '+' : '−'}${formatMiB(Math.abs(heapLeft))} (RSS ${gw.after.rss >= gw.before.rss ? '+' : '−'}${formatMiB(Math.abs(gw.after.rss - gw.before.rss))})`,
    baseline: `Node ws↔TCP relay ${relayLeft >= 0 ? '+' : '−'}${formatMiB(Math.abs(relayLeft))}`,
    ratio: `${formatRatio(heapLeft / Math.max(1, heapTaken))} of the open sessions' heap`,
    target: `heap returns (≤ ${LEAK_TOLERANCE * 100} % left)`,
    met: heapLeft <= heapTaken * LEAK_TOLERANCE,
  });
  const v1 = measured.bannerV1!;
  const v2 = measured.bannerV2!;
  const detached = measured.detached!;
  for (const [name, m] of [
    ['gateway after a greeting, survival off', v1],
    ['gateway after a greeting, survival on', v2],
  ] as const) {
    result.checks.push({
      what: `scale: every session through the ${name} opened`,
      ok: m.opened === sessions && m.failed === 0,
      detail: `${m.opened} of ${sessions} opened${m.firstError ? `; first failure: ${m.firstError}` : ''}`,
    });
  }
  result.checks.push({
    what: 'scale: every dropped telgate.v2 session was detached, not ended',
    ok: detached.opened === detachedSessions && detached.detached === detached.opened,
    detail: `${detached.opened} of ${detachedSessions} opened, ${detached.detached} detached`,
  });
  const perDetached = (key: keyof Memory) =>
    (detached.after[key] - detached.before[key]) / Math.max(1, detached.opened);
  result.rows.push(
    {
      benchmark: BENCHMARK,
      measured: `gateway, RSS per idle session, survival on (telgate.v2, ${BANNER_LINES}-line greeting)`,
      value: formatKiB(perSession(v2, 'rss')),
      baseline: `survival off (telgate.v1), same greeting ${formatKiB(perSession(v1, 'rss'))}`,
      ratio: formatRatioTo(perSession(v2, 'rss'), perSession(v1, 'rss'), formatKiB),
      target: '≤ 64 KiB',
      met: perSession(v2, 'rss') <= SURVIVAL_RSS_PER_SESSION_TARGET,
    },
    {
      benchmark: BENCHMARK,
      measured: `gateway, JS heap per idle session, survival on (telgate.v2, ${BANNER_LINES}-line greeting)`,
      value: formatKiB(perSession(v2, 'heapUsed')),
      baseline: `survival off (telgate.v1), same greeting ${formatKiB(perSession(v1, 'heapUsed'))}`,
      ratio: formatRatioTo(perSession(v2, 'heapUsed'), perSession(v1, 'heapUsed'), formatKiB),
    },
    {
      benchmark: BENCHMARK,
      measured: `gateway, heap per detached session with a full scrollback (${FULL_SCROLLBACK_LINES} lines printed)`,
      value: formatKiB(perDetached('heapUsed')),
      baseline: `idle session, survival on ${formatKiB(perSession(v2, 'heapUsed'))}`,
      ratio: formatRatioTo(perDetached('heapUsed'), perSession(v2, 'heapUsed'), formatKiB),
    },
    {
      benchmark: BENCHMARK,
      measured: `gateway, RSS per detached session with a full scrollback (${FULL_SCROLLBACK_LINES} lines printed)`,
      value: formatKiB(perDetached('rss')),
      baseline: `idle session, survival on ${formatKiB(perSession(v2, 'rss'))}`,
      ratio: formatRatioTo(perDetached('rss'), perSession(v2, 'rss'), formatKiB),
    },
  );
  result.notes.push(
    `Scale, survival: ${sessions} idle sessions to a host that prints a ${BANNER_LINES}-line greeting (80 columns, coloured) and a prompt, held on telgate.v1 (no screen state) and on telgate.v2 (the screen state a resume needs; it keeps the output as bytes until it passes 32 KiB, then in a headless xterm.js), one gateway process each, measured as above. Detached: ${detachedSessions} telgate.v2 sessions to a host that prints ${FULL_SCROLLBACK_LINES} lines (the default scrollback is 1,000 lines), their sockets then dropped without a close handshake; memory after a full collection once all were detached, minus before they opened.`,
  );
  result.notes.push(
    `Scale: memory after a full collection (--expose-gc) with no sessions, with ${sessions} idle sessions open (per-session figures are the difference divided by the sessions), and after all closed; sessions opened ${settings.scale.concurrency} at a time. The gateway logs each session to a file as in production.`,
  );
  return result;
}
