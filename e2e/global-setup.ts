/**
 * Starts what the end-to-end tests talk to, and stops it all afterwards:
 * - real telnet servers (busybox, inetutils, netkit, each with /bin/login) and the test user;
 * - scripted hosts: a CP437 BBS screen, a host that refuses logout, a host that drops connections;
 * - the built gateway twice, as a child process each: one open on loopback (auth none, with the
 *   built-in demo host), one requiring tokens (for the embed tests).
 * Tests find them through TELGATE_E2E_* environment variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  ensureTestUser,
  findFreePort,
  type ScriptedConnection,
  startScriptedHost,
  startTelnetServer,
} from '@telgate/test-peers';

const ROOT = join(import.meta.dirname, '..');
const RUNTIME = join(import.meta.dirname, '.runtime');
export const E2E_SECRET = 'e2e-only-secret-0123456789abcdef0123456789';

const IAC = 255;
const DO = 253;
const WILL = 251;
const WONT = 252;
const LOGOUT = 18;
const ECHO = 1;
const SGA = 3;

/** A BBS-style screen in CP437: box drawing that only renders right if the charset is converted. */
function cp437Screen(conn: ScriptedConnection): void {
  const top = Buffer.from([0xc9, ...new Array(20).fill(0xcd), 0xbb]);
  const mid = Buffer.concat([
    Buffer.from([0xba]),
    Buffer.from('  CP437 BBS DEMO    ', 'latin1'),
    Buffer.from([0xba]),
  ]);
  const bottom = Buffer.from([0xc8, ...new Array(20).fill(0xcd), 0xbc]);
  conn.write(
    Buffer.concat([top, Buffer.from('\r\n'), mid, Buffer.from('\r\n'), bottom, Buffer.from('\r\n')]),
  );
}

/** Echoes what it gets, with a prompt, so a session stays usable; answers DO LOGOUT with WONT LOGOUT. */
async function refusingLogoutHost(conn: ScriptedConnection): Promise<void> {
  conn.write(Buffer.from([IAC, WILL, ECHO, IAC, WILL, SGA]));
  conn.write(Buffer.from('stubborn host\r\nstubborn$ '));
  for (;;) {
    const chunk = await conn.read(1, 120_000).catch(() => undefined);
    if (!chunk) return;
    if (chunk[0] === IAC) {
      const rest = await conn.read(2, 5000).catch(() => undefined);
      if (rest && rest[0] === DO && rest[1] === LOGOUT) conn.write(Buffer.from([IAC, WONT, LOGOUT]));
      continue;
    }
    conn.write(chunk[0] === 0x0d ? Buffer.from('\r\nstubborn$ ') : chunk);
  }
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function startGateway(name: string, yaml: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await findFreePort();
  const file = join(RUNTIME, `${name}.yaml`);
  writeFileSync(file, yaml.replace('PORT', String(port)));
  const child = spawn(process.execPath, [join(ROOT, 'apps/gateway/dist/main.js'), '--config', file], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, TELGATE_LOG_LEVEL: 'warn' },
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway ${name} exited: ${stderr}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`gateway ${name} did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child };
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(RUNTIME, { recursive: true });
  await ensureTestUser();
  const stops: Array<() => Promise<void> | void> = [];
  try {
    const busybox = await startTelnetServer('busybox-login');
    stops.push(() => busybox.stop());
    const inetutils = await startTelnetServer('inetutils-login');
    stops.push(() => inetutils.stop());
    const netkit = await startTelnetServer('netkit-login');
    stops.push(() => netkit.stop());
    const bbs = await startScriptedHost(async (conn) => {
      cp437Screen(conn);
      await conn.read(1, 120_000).catch(() => undefined);
    });
    stops.push(() => bbs.stop());
    const stubborn = await startScriptedHost(refusingLogoutHost);
    stops.push(() => stubborn.stop());
    // Drops every connection after a moment: the kiosk must reconnect by itself.
    const flaky = await startScriptedHost(async (conn) => {
      conn.write(Buffer.from('flaky host up\r\n'));
      await new Promise((r) => setTimeout(r, 1500));
      conn.destroy();
    });
    stops.push(() => flaky.stop());
    const refused = await closedPort();

    const targets = `
targets:
  - { id: busybox, label: busybox telnetd, host: 127.0.0.1, port: ${busybox.port}, negotiation: active }
  - { id: inetutils, label: inetutils telnetd, host: 127.0.0.1, port: ${inetutils.port}, negotiation: active }
  - { id: netkit, label: netkit telnetd, host: 127.0.0.1, port: ${netkit.port}, negotiation: active }
  - { id: bbs, label: CP437 BBS, host: 127.0.0.1, port: ${bbs.port}, charset: CP437 }
  - { id: stubborn, label: Host that refuses logout, host: 127.0.0.1, port: ${stubborn.port} }
  - { id: flaky, label: Host that drops, host: 127.0.0.1, port: ${flaky.port} }
  - { id: refused, label: Host that is down, host: 127.0.0.1, port: ${refused} }
demo: { enabled: true, port: 0 }
`;
    const open = await startGateway(
      'open',
      `listen: { host: 127.0.0.1, port: PORT }\n${targets}\nlimits: { connectAttemptsPerMinutePerIp: 1000, maxSessionsPerIp: 50 }\n`,
    );
    stops.push(() => void open.child.kill('SIGTERM'));
    const secured = await startGateway(
      'secured',
      `listen: { host: 127.0.0.1, port: PORT }\n${targets}\nsecurity: { auth: { mode: token, hs256Secret: "${E2E_SECRET}" }, frameAncestors: ["'self'", "http://127.0.0.1:*"] }\nlimits: { connectAttemptsPerMinutePerIp: 1000, maxSessionsPerIp: 50 }\n`,
    );
    stops.push(() => void secured.child.kill('SIGTERM'));

    process.env.TELGATE_E2E_URL = open.url;
    process.env.TELGATE_E2E_SECURED_URL = secured.url;
    process.env.TELGATE_E2E_SECRET = E2E_SECRET;
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
