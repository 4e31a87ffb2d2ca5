import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { SHELL_PROMPT } from './peer-files.js';
import { connectRefusingClient } from './refusing-client.js';
import {
  startTelnetServer,
  TELNET_SERVER_KINDS,
  type TelnetImplementation,
  type TelnetServer,
  type TelnetServerKind,
} from './telnet-servers.js';
import { ensureTestUser, TEST_PASSWORD, TEST_USER } from './test-user.js';

/** What each server sends before anything else (measured, see the package README). */
const FIRST_BYTES: Record<TelnetImplementation, Buffer> = {
  // DO ECHO, DO NAWS, WILL ECHO, WILL SGA
  busybox: Buffer.from('fffd01fffd1ffffb01fffb03', 'hex'),
  // WILL AUTHENTICATION, WILL ENCRYPT, DO TTYPE, DO TSPEED, DO XDISPLOC, DO NEW-ENVIRON, DO OLD-ENVIRON
  inetutils: Buffer.from('fffb25fffb26fffd18fffd20fffd23fffd27fffd24', 'hex'),
  // DO NEW-ENVIRON, and nothing more until it is answered
  netkit: Buffer.from('fffd27', 'hex'),
};

/** Generous for a loaded two-core machine; a healthy run needs a fraction of it. */
const STEP_TIMEOUT_MS = 10_000;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(kind: TelnetServerKind): Promise<TelnetServer> {
  const server = await startTelnetServer(kind);
  cleanups.push(() => server.stop());
  return server;
}

const existing = (pids: number[]) => pids.filter((pid) => existsSync(`/proc/${pid}`));

describe.each(TELNET_SERVER_KINDS)('%s', (kind) => {
  it('greets with its measured first bytes, runs a command for a client refusing every option, stops cleanly', async () => {
    const server = await start(kind);
    expect(server).toMatchObject({ kind, host: '127.0.0.1' });
    if (server.login) await ensureTestUser();

    const client = await connectRefusingClient(server.port);
    cleanups.push(() => client.close());
    expect(
      (await client.raw.read(FIRST_BYTES[server.implementation].length, STEP_TIMEOUT_MS)).toString('hex'),
    ).toBe(FIRST_BYTES[server.implementation].toString('hex'));

    if (server.login) {
      await client.data.expect('login: ', STEP_TIMEOUT_MS);
      client.sendLine(TEST_USER);
      await client.data.expect('Password: ', STEP_TIMEOUT_MS);
      client.sendLine(TEST_PASSWORD);
    }
    await client.data.expect(SHELL_PROMPT, STEP_TIMEOUT_MS);
    const token = randomBytes(6).toString('hex');
    // The shell computes part of the answer, so the echoed command line cannot match by itself.
    client.sendLine(`echo hello-$((6*7))-${token}`);
    await client.data.expect(`hello-42-${token}\r\n`, STEP_TIMEOUT_MS);

    const pids = server.processTree();
    expect(pids).toContain(server.pid);
    expect(pids.length).toBeGreaterThan(1); // the listener and at least the session's shell
    await server.stop();
    expect(existing(pids)).toEqual([]);
    expect(server.processTree()).toEqual([]);
    await server.stop(); // idempotent
  }, 30_000);
});

describe('startTelnetServer', () => {
  it('rejects an unknown kind, naming the known ones', async () => {
    const start = startTelnetServer('telnetd-login' as TelnetServerKind);
    await expect(start).rejects.toMatchObject({ code: 'PEER_ERR_INVALID_ARGUMENT' });
    await expect(start).rejects.toThrow(/unknown Telnet server kind "telnetd-login"; known: busybox-shell, /);
  });
});

describe('servers side by side', () => {
  it('listen on distinct free ports', async () => {
    const [a, b] = await Promise.all([start('busybox-shell'), start('busybox-shell')]);
    expect(a.port).not.toBe(b.port);
    const clients = await Promise.all([connectRefusingClient(a.port), connectRefusingClient(b.port)]);
    for (const client of clients) {
      cleanups.push(() => client.close());
      await client.data.expect(SHELL_PROMPT, STEP_TIMEOUT_MS);
    }
  }, 30_000);
});
