import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ResumeInfo, type SessionState, SUBPROTOCOL_V2 } from '@telgate/protocol';
import {
  findFreePort,
  type NginxServer,
  renderTemplate,
  type ServerProcess,
  SHELL_PROMPT,
  startBusyboxTelnetd,
  startNginx,
  startRedisServer,
  type TelnetServer,
} from '@telgate/test-peers';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TerminalClient } from '../testing/terminal-client.js';
import { sleep } from '../testing/wait.js';
import { DRAIN_NOTICE_CODE } from './drain.js';

/**
 * The scale-out topology of docs/deploy.md, for real: Debian's nginx (with the configuration deploy/
 * ships) in front of two gateway processes that share per-client limits in Debian's redis-server, and
 * busybox telnetd behind them. Everything listens on 127.0.0.1 and is stopped at the end.
 */

const TEMPLATE = fileURLToPath(new URL('../../../../deploy/nginx/telgate.conf.template', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = fileURLToPath(new URL('../main.ts', import.meta.url));
const PER_CLIENT = 3;
const DRAIN_SECONDS = 5;
const STEP_MS = 20_000;
/** Starting a gateway from source (tsx) takes seconds, far more on a loaded machine. */
const START_MS = 45_000;

interface Gateway {
  readonly id: 'a' | 'b';
  readonly port: number;
  readonly configPath: string;
  child: ChildProcessWithoutNullStreams;
  exited: Promise<number | null>;
}

interface Session {
  readonly client: TerminalClient;
  readonly gateway: string;
  resume: ResumeInfo;
}

let workDir: string;
let telnetd: TelnetServer;
let redis: ServerProcess;
let redisPort: number;
let nginx: NginxServer;
const gateways = new Map<'a' | 'b', Gateway>();
const clients: TerminalClient[] = [];
let shared: Redis;

function gatewayConfig(id: 'a' | 'b', port: number, telnetPort: number): string {
  return JSON.stringify({
    listen: { host: '127.0.0.1', port },
    demo: { enabled: false },
    targets: [
      {
        id: 'shell',
        host: '127.0.0.1',
        port: telnetPort,
        negotiation: 'active',
        resume: { graceSeconds: 60 },
      },
    ],
    security: { trustProxy: 1 },
    limits: { maxSessionsPerIp: PER_CLIENT, connectAttemptsPerMinutePerIp: 1000, shutdownGraceMs: 2000 },
    cluster: {
      gatewayId: id,
      // Gateway a admits new sessions under its own limits while Redis is away, b refuses them.
      redis: {
        url: `redis://127.0.0.1:${redisPort}`,
        leaseSeconds: 6,
        commandTimeoutMs: 300,
        whenUnavailable: id === 'a' ? 'local' : 'refuse',
      },
      drainSeconds: DRAIN_SECONDS,
    },
    logging: { level: 'warn' },
  });
}

/** Starts a gateway process (from source) and resolves once it serves. */
async function startGateway(gateway: Omit<Gateway, 'child' | 'exited'>): Promise<Gateway> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, '--config', gateway.configPath], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(PACKAGE_DIR, 'tsconfig.test.json') },
    stdio: 'pipe',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`gateway ${gateway.id} did not start: ${stderr}`)),
      15_000,
    );
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      if (stderr.includes('telgate: serving')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stdout.resume();
    void exited.then(() => reject(new Error(`gateway ${gateway.id} exited: ${stderr}`)));
  });
  const running = { ...gateway, child, exited };
  gateways.set(gateway.id, running);
  return running;
}

function gatewayOf(id: 'a' | 'b'): Gateway {
  const gateway = gateways.get(id);
  if (!gateway) throw new Error(`no gateway ${id}`);
  return gateway;
}

async function health(id: 'a' | 'b'): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`http://127.0.0.1:${gatewayOf(id).port}/healthz`, {
    signal: AbortSignal.timeout(3000),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Resolves once `check` holds, asking every 100 ms (a failing check counts as not yet); throws after `timeoutMs`. */
async function until(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** A socket through nginx; `gw` routes it to one gateway, as a resume does. */
async function openSocket(gw?: string): Promise<TerminalClient> {
  const origin = `http://127.0.0.1:${nginx.port}`;
  const client = await TerminalClient.openUrl(
    `ws://127.0.0.1:${nginx.port}/ws?target=shell${gw ? `&gw=${gw}` : ''}`,
    { protocols: [SUBPROTOCOL_V2], headers: { Origin: origin } },
  );
  clients.push(client);
  return client;
}

type ClosedState = Extract<SessionState, { state: 'closed' }>;
type Outcome = { connected: Session } | { closed: ClosedState };

/** The first STATE connected (with its resume info) or STATE closed the client gets. */
async function outcome(client: TerminalClient): Promise<Outcome> {
  const state = await client.waitForFrame(
    'state',
    (frame) => frame.state === 'connected' || frame.state === 'closed',
    STEP_MS,
  );
  if (state.state === 'closed') return { closed: state };
  if (state.state !== 'connected' || !state.resume?.gateway) {
    throw new Error(`connected without a resume gateway: ${JSON.stringify(state)}`);
  }
  return { connected: { client, gateway: state.resume.gateway, resume: state.resume } };
}

/** A new session through nginx (routed to gateway `gw` when given), as a page opens one. */
async function newSession(gw?: string): Promise<Outcome> {
  const client = await openSocket(gw);
  client.send({ type: 'resize', cols: 80, rows: 24 });
  return outcome(client);
}

async function connected(gw?: string): Promise<Session> {
  const result = await newSession(gw);
  if ('closed' in result) throw new Error(`refused: ${JSON.stringify(result.closed)}`);
  await result.connected.client.waitForText(SHELL_PROMPT, STEP_MS);
  return result.connected;
}

async function refused(gw?: string): Promise<ClosedState> {
  const result = await newSession(gw);
  if ('connected' in result) throw new Error(`admitted on ${result.connected.gateway}`);
  return result.closed;
}

/** The shell answers through the session. */
let marker = 0;
async function answers(session: Session): Promise<void> {
  marker++;
  session.client.type(`echo scale-$((${marker}*1000+7))\r`);
  await session.client.waitForText(`scale-${marker * 1000 + 7}`, STEP_MS);
}

/** Resumes `session` on a new socket through nginx, as a reloaded page does. */
async function resume(session: Session): Promise<Outcome> {
  session.client.close();
  const client = await openSocket(session.resume.gateway);
  client.send({ type: 'resume', credential: session.resume.credential });
  return outcome(client);
}

async function endSession(session: Session): Promise<void> {
  session.client.ws.close(1000);
  await session.client.closed;
}

async function directory(): Promise<string[]> {
  const ids = (await shared.eval(
    "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', (function() local t = redis.call('TIME') return t[1]*1000 + math.floor(t[2]/1000) end)()) return redis.call('ZRANGE', KEYS[1], 0, -1)",
    1,
    'telgate:directory',
  )) as string[];
  const gatewaysOf = await Promise.all(ids.map((id) => shared.hget(`telgate:session:${id}`, 'gateway')));
  return gatewaysOf.filter((id): id is string => id !== null).sort();
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'telgate-scale-'));
  [telnetd, redis] = await Promise.all([startBusyboxTelnetd({ login: false }), startRedisServer()]);
  redisPort = redis.port;
  shared = new Redis({ port: redisPort, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 1 });
  // While Redis is stopped this client reconnects like the gateways; its failures are not the test's.
  shared.on('error', () => {});
  const ports = { a: await findFreePort(), b: await findFreePort() };
  await Promise.all(
    (['a', 'b'] as const).map((id) => {
      const configPath = join(workDir, `${id}.json`);
      writeFileSync(configPath, gatewayConfig(id, ports[id], telnetd.port));
      return startGateway({ id, port: ports[id], configPath });
    }),
  );
  const template = readFileSync(TEMPLATE, 'utf8');
  nginx = await startNginx({
    httpConfig: (port) =>
      renderTemplate(template, {
        TELGATE_LISTEN: `127.0.0.1:${port}`,
        TELGATE_GATEWAY_A_ID: 'a',
        TELGATE_GATEWAY_A_ADDR: `127.0.0.1:${ports.a}`,
        TELGATE_GATEWAY_B_ID: 'b',
        TELGATE_GATEWAY_B_ADDR: `127.0.0.1:${ports.b}`,
      }),
  });
}, START_MS + 30_000);

afterAll(async () => {
  for (const client of clients) client.close();
  shared?.disconnect();
  for (const gateway of gateways.values()) {
    gateway.child.kill('SIGKILL');
    await gateway.exited;
  }
  await Promise.all([nginx?.stop(), redis?.stop(), telnetd?.stop()]);
  if (workDir) rmSync(workDir, { recursive: true, force: true });
}, 30_000);

describe('two gateways behind nginx, sharing limits in Redis', () => {
  let first: Session;
  let second: Session;

  it('spreads sessions over both gateways, and each relays its host', async () => {
    first = await connected();
    second = await connected();
    expect(new Set([first.gateway, second.gateway])).toEqual(new Set(['a', 'b']));
    await answers(first);
    await answers(second);
    await shared.connect();
    await until(async () => (await directory()).join() === 'a,b', 'both sessions in the directory', STEP_MS);
  });

  it('holds the per-client limit across both gateways', async () => {
    const third = await connected();
    // The fourth is refused whichever gateway it reaches.
    for (const gw of ['a', 'b']) expect((await refused(gw)).code).toBe('GW_ERR_OVERLOADED');
    expect((await refused()).code).toBe('GW_ERR_OVERLOADED');
    // A session that ends makes room on every gateway.
    await endSession(third);
    const fourth = await connected(third.gateway === 'a' ? 'b' : 'a');
    await endSession(fourth);
  });

  it('resumes a session on the gateway holding it after a reload', async () => {
    for (const session of [first, second]) {
      const result = await resume(session);
      if (!('connected' in result)) throw new Error(`resume refused: ${JSON.stringify(result.closed)}`);
      expect(result.connected.gateway).toBe(session.gateway);
      await result.connected.client.waitForFrame('notice', (frame) => frame.notice.kind === 'resumed');
      Object.assign(session, result.connected);
      await answers(session);
    }
  });

  it('keeps held sessions while Redis is away, admits or refuses new ones as configured, and recovers', async () => {
    await redis.stop();
    await until(async () => (await health('a')).body.redis === 'down', 'gateway a sees Redis gone', STEP_MS);
    await until(async () => (await health('b')).body.redis === 'down', 'gateway b sees Redis gone', STEP_MS);
    await answers(first);
    await answers(second);
    // whenUnavailable: local on a, refuse on b.
    const local = await connected('a');
    expect(local.gateway).toBe('a');
    expect((await refused('b')).code).toBe('GW_ERR_LIMITS_OFFLINE');
    await endSession(local);

    redis = await startRedisServer({ port: redisPort });
    await until(async () => (await health('a')).body.redis === 'up', 'gateway a back on Redis', STEP_MS);
    await until(async () => (await health('b')).body.redis === 'up', 'gateway b back on Redis', STEP_MS);
    // The new Redis knows nothing: the gateways write their sessions into it again.
    await until(async () => (await directory()).join() === 'a,b', 'the directory rebuilt', STEP_MS);
    const again = await connected('b');
    expect((await refused('a')).code).toBe('GW_ERR_OVERLOADED');
    await endSession(again);
  });

  it(
    'drains a gateway: new sessions go to the other, its own go on until the deadline, then it exits 0',
    async () => {
      const [onA, onB] = first.gateway === 'a' ? [first, second] : [second, first];
      const a = gatewayOf('a');
      a.child.kill('SIGTERM');
      const warning = await onA.client.waitForFrame(
        'notice',
        (frame) => frame.notice.kind === 'warning' && frame.notice.code === DRAIN_NOTICE_CODE,
        STEP_MS,
      );
      expect(warning.notice.kind === 'warning' && warning.notice.message).toMatch(/ends in \d+ seconds/);
      const drainingHealth = await health('a');
      expect(drainingHealth.status).toBe(503);
      expect(drainingHealth.body.status).toBe('draining');
      // New sessions land on b; a's session goes on, and comes back after a reload.
      const fresh = await connected();
      expect(fresh.gateway).toBe('b');
      await endSession(fresh);
      await answers(onA);
      const resumed = await resume(onA);
      if (!('connected' in resumed)) throw new Error(`resume refused: ${JSON.stringify(resumed.closed)}`);
      expect(resumed.connected.gateway).toBe('a');
      Object.assign(onA, resumed.connected);
      await onA.client.waitForFrame(
        'notice',
        (frame) => frame.notice.kind === 'warning' && frame.notice.code === DRAIN_NOTICE_CODE,
      );
      await answers(onA);
      // At the deadline the session ends with GW_ERR_SHUTDOWN and the gateway exits 0.
      const ended = await onA.client.waitForFrame(
        'state',
        (frame) => frame.state === 'closed',
        DRAIN_SECONDS * 1000 + STEP_MS,
      );
      expect(ended.state === 'closed' && ended.code).toBe('GW_ERR_SHUTDOWN');
      expect(await a.exited).toBe(0);
      await answers(onB);
      // Started again, a takes new sessions once more.
      await startGateway({ id: 'a', port: a.port, configPath: a.configPath });
    },
    START_MS + 60_000,
  );

  it('killing a gateway ends only its sessions, with a clear message on reload', async () => {
    const onB = first.gateway === 'b' ? first : second;
    const onA = await connected('a');
    const b = gatewayOf('b');
    b.child.kill('SIGKILL');
    await b.exited;
    await onB.client.closed;
    await answers(onA);
    // The page reloads: nginx cannot reach b, so a answers that the session went with b.
    const result = await resume(onB);
    if (!('closed' in result)) throw new Error('a resumed a session it never held');
    expect(result.closed.code).toBe('GW_ERR_RESUME_FAILED');
    expect(result.closed.reason).toMatch(/gateway holding the session \(b\) is gone/);
    // New sessions go to a.
    const fresh = await connected();
    expect(fresh.gateway).toBe('a');
    await answers(onA);
    // b's entries in Redis expire with their lease: its dead session stops counting against the client.
    await until(async () => (await directory()).join() === 'a,a', 'b’s entries expired', 6_000 + STEP_MS);
    await connected('a');
  }, 60_000);
});
