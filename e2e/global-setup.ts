/**
 * Starts what the end-to-end tests talk to, and stops it all afterwards:
 * - real telnet servers (busybox, inetutils, netkit, each with /bin/login) and the test user, whom two
 *   targets sign in automatically (one with its own credentials, one with those in the token);
 * - scripted hosts: a CP437 BBS screen, a host that refuses logout, a host that drops connections, a
 *   host that shows the keys and Telnet commands it receives (with a full-screen editor), a host that
 *   loses lines sent too fast (for paced paste), a host that floods until ^C, a host with a status line
 *   above a scroll region, a SUPDUP host (from the first byte, and behind Telnet);
 * - the built gateway twice, as a child process each: one open on loopback (auth none, with the
 *   built-in demo host), one requiring tokens (for the embed tests), and a locked-down kiosk.
 * Tests find them through TELGATE_E2E_* environment variables.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  ensureTestUser,
  findFreePort,
  startScriptedHost,
  startSupdupHost,
  startTelnetServer,
  TEST_PASSWORD,
  TEST_USER,
} from '@telgate/test-peers';
import {
  autoLogoutHost,
  bbsHost,
  flakyHost,
  floodHost,
  glyphBbsHost,
  mudHost,
  pacedHost,
  recorderHost,
  refusingLogoutHost,
  statusLineHost,
} from './hosts.js';

const ROOT = join(import.meta.dirname, '..');
const RUNTIME = join(import.meta.dirname, '.runtime');
export const E2E_SECRET = 'e2e-only-secret-0123456789abcdef0123456789';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Starts a built Node program and waits until `readyUrl` answers. */
async function startChild(
  name: string,
  args: string[],
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  // Even if the test runner itself dies, its children must not outlive it.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.off('exit', killOnExit));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    try {
      if ((await fetch(readyUrl)).ok) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} did not start: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startGateway(name: string, yaml: string): Promise<{ url: string; child: ChildProcess }> {
  const port = await findFreePort();
  const file = join(RUNTIME, `${name}.yaml`);
  writeFileSync(file, yaml.replace('PORT', String(port)));
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(
    `gateway ${name}`,
    [join(ROOT, 'apps/gateway/dist/main.js'), '--config', file],
    { TELGATE_LOG_LEVEL: 'warn' },
    `${url}/healthz`,
  );
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
    const bbs = await startScriptedHost(bbsHost);
    stops.push(() => bbs.stop());
    const stubborn = await startScriptedHost(refusingLogoutHost);
    stops.push(() => stubborn.stop());
    const flaky = await startScriptedHost(flakyHost);
    stops.push(() => flaky.stop());
    const idle = await startScriptedHost(autoLogoutHost);
    stops.push(() => idle.stop());
    const recorder = await startScriptedHost(recorderHost);
    stops.push(() => recorder.stop());
    const paced = await startScriptedHost(pacedHost);
    stops.push(() => paced.stop());
    const glyphs = await startScriptedHost(glyphBbsHost);
    stops.push(() => glyphs.stop());
    const mud = await startScriptedHost(mudHost);
    stops.push(() => mud.stop());
    const flood = await startScriptedHost(floodHost);
    stops.push(() => flood.stop());
    const statusLine = await startScriptedHost(statusLineHost);
    stops.push(() => statusLine.stop());
    // The scripted SUPDUP host twice: SUPDUP from the first byte, and behind Telnet's WILL SUPDUP.
    const supdup = await startSupdupHost({ inputTimeoutMs: 600_000 });
    stops.push(() => supdup.stop());
    const supdupTelnet = await startSupdupHost({ telnet: true, inputTimeoutMs: 600_000 });
    stops.push(() => supdupTelnet.stop());
    const refused = await closedPort();
    // The automatic sign-in reads the test user's password from a file only the gateway reads.
    const passwordFile = join(RUNTIME, 'login-password');
    writeFileSync(passwordFile, `${TEST_PASSWORD}\n`, { mode: 0o600 });

    // Every page a test closes leaves its session detached (telgate.v2) for its grace time: the
    // oldest give way, so a whole run never fills the per-address session cap with them.
    const targets = `
targets:
  - { id: busybox, label: busybox telnetd, host: 127.0.0.1, port: ${busybox.port}, negotiation: active }
  - { id: inetutils, label: inetutils telnetd, host: 127.0.0.1, port: ${inetutils.port}, negotiation: active }
  - id: autologin
    label: inetutils telnetd, signed in automatically
    host: 127.0.0.1
    port: ${inetutils.port}
    negotiation: active
    autoLogin: { username: ${TEST_USER}, passwordFile: "${passwordFile}", timeoutMs: 20000 }
  - id: autologin-token
    label: inetutils telnetd, signed in with the token's credentials
    host: 127.0.0.1
    port: ${inetutils.port}
    negotiation: active
    autoLogin: { fromToken: true, timeoutMs: 20000 }
  - { id: inetutils-brief, label: inetutils telnetd (kept 3 s), host: 127.0.0.1, port: ${inetutils.port}, negotiation: active, resume: { graceSeconds: 3 } }
  - { id: inetutils-unkept, label: inetutils telnetd (not kept), host: 127.0.0.1, port: ${inetutils.port}, negotiation: active, resume: { graceSeconds: 0 } }
  - { id: netkit, label: netkit telnetd, host: 127.0.0.1, port: ${netkit.port}, negotiation: active }
  - { id: bbs, label: CP437 BBS, host: 127.0.0.1, port: ${bbs.port}, charset: CP437 }
  - { id: stubborn, label: Host that refuses logout, host: 127.0.0.1, port: ${stubborn.port} }
  - { id: flaky, label: Host that drops, host: 127.0.0.1, port: ${flaky.port} }
  - { id: refused, label: Host that is down, host: 127.0.0.1, port: ${refused} }
  - { id: idle, label: Host that logs idle users out, host: 127.0.0.1, port: ${idle.port} }
  - { id: recorder, label: Host that shows what it receives, host: 127.0.0.1, port: ${recorder.port} }
  - { id: paced, label: Host that loses lines sent too fast, host: 127.0.0.1, port: ${paced.port} }
  - { id: glyphs, label: PC BBS, host: 127.0.0.1, port: ${glyphs.port}, terminal: { mode: bbs } }
  - { id: mud, label: MUD, host: 127.0.0.1, port: ${mud.port}, terminal: { mode: mud } }
  - { id: flood, label: Host that floods until ^C, host: 127.0.0.1, port: ${flood.port} }
  - { id: status-line, label: Host with a status line above a scroll region, host: 127.0.0.1, port: ${statusLine.port} }
  - { id: supdup, label: SUPDUP host, host: 127.0.0.1, port: ${supdup.port}, protocol: supdup }
  - { id: supdup-telnet, label: SUPDUP host behind Telnet, host: 127.0.0.1, port: ${supdupTelnet.port}, negotiation: passive, options: { SUPDUP: { remote: accept } } }
demo: { enabled: true, port: 0 }
`;
    const open = await startGateway(
      'open',
      `listen: { host: 127.0.0.1, port: PORT }\n${targets}\nlimits: { connectAttemptsPerMinutePerIp: 1000, maxSessionsPerIp: 50, maxDetachedSessions: 10 }\n`,
    );
    stops.push(() => void open.child.kill('SIGTERM'));
    // A kiosk locked down to Interrupt and a settings panel with the font size only.
    const kiosk = await startGateway(
      'kiosk',
      `listen: { host: 127.0.0.1, port: PORT }\ndemo: { enabled: true, port: 0 }\nkiosk: { target: demo, toolbar: [interrupt, settings], settings: [font-size] }\n`,
    );
    stops.push(() => void kiosk.child.kill('SIGTERM'));
    // The example admin portal embeds the secured gateway: it must be allowed to frame /embed.
    const portalPort = await findFreePort();
    const portalOrigin = `http://127.0.0.1:${portalPort}`;
    const secured = await startGateway(
      'secured',
      `listen: { host: 127.0.0.1, port: PORT }\n${targets}\nsecurity: { auth: { mode: token, hs256Secret: "${E2E_SECRET}" }, frameAncestors: ["'self'", "${portalOrigin}"] }\nlimits: { connectAttemptsPerMinutePerIp: 1000, maxSessionsPerIp: 50, maxDetachedSessions: 10 }\n`,
    );
    stops.push(() => void secured.child.kill('SIGTERM'));
    // Records the real netkit target's sessions and serves the recordings page to operator tokens.
    const recordingDir = join(RUNTIME, 'recordings');
    rmSync(recordingDir, { recursive: true, force: true });
    const recorded = await startGateway(
      'recorded',
      `listen: { host: 127.0.0.1, port: PORT }
targets:
  - { id: netkit, label: netkit telnetd, host: 127.0.0.1, port: ${netkit.port}, negotiation: active }
security: { auth: { mode: token, hs256Secret: "${E2E_SECRET}" } }
recording: { targets: [netkit], directory: "${recordingDir}", page: true }
audit: { file: "${join(RUNTIME, 'audit.jsonl')}" }
`,
    );
    stops.push(() => void recorded.child.kill('SIGTERM'));
    const portal = await startChild(
      'admin portal',
      [join(ROOT, 'examples/admin-portal/dist/main.js')],
      {
        TELGATE_URL: secured.url,
        TELGATE_SECRET: E2E_SECRET,
        PORTAL_PORT: String(portalPort),
        PORTAL_WATCH: '1',
      },
      `${portalOrigin}/portal.js`,
    );
    stops.push(() => void portal.kill('SIGTERM'));

    process.env.TELGATE_E2E_URL = open.url;
    process.env.TELGATE_E2E_SECURED_URL = secured.url;
    process.env.TELGATE_E2E_RECORDED_URL = recorded.url;
    process.env.TELGATE_E2E_KIOSK_URL = kiosk.url;
    process.env.TELGATE_E2E_SECRET = E2E_SECRET;
    process.env.TELGATE_E2E_PORTAL_URL = portalOrigin;
    process.env.TELGATE_E2E_REFUSED_PORT = String(refused);
  } catch (error) {
    for (const stop of stops.reverse()) await stop();
    throw error;
  }
  return async () => {
    for (const stop of stops.reverse()) await stop();
  };
}
