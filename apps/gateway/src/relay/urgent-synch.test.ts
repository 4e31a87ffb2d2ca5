import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findPerl, sendUrgentSynch } from './urgent-synch.js';

let server: Server | undefined;
let client: Socket | undefined;

afterEach(() => {
  client?.destroy();
  server?.close();
  client = undefined;
  server = undefined;
});

/** A host on loopback that collects what it reads in-band; Node leaves SO_OOBINLINE off, like most hosts. */
async function connectedPair(
  echo = false,
): Promise<{ client: Socket; received: () => number[]; ended: Promise<void> }> {
  const bytes: number[] = [];
  let ended!: () => void;
  const endedPromise = new Promise<void>((r) => {
    ended = r;
  });
  server = createServer((s) => {
    s.on('data', (d) => {
      bytes.push(...d);
      if (echo) s.write(d);
    });
    s.on('end', () => ended());
    s.on('error', () => ended());
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  client = connect(address.port, '127.0.0.1');
  await new Promise<void>((r) => client?.once('connect', () => r()));
  return { client, received: () => bytes, ended: endedPromise };
}

describe('sendUrgentSynch', () => {
  it('sends IAC DM with the DM as urgent data: a host not reading urgent data inline never sees the DM', async () => {
    expect(findPerl()).toBeDefined();
    const pair = await connectedPair();
    pair.client.write(Uint8Array.of(0x41, 0xff, 0xf4));
    expect(await sendUrgentSynch(pair.client)).toEqual({ ok: true });
    pair.client.end(Uint8Array.of(0x42));
    await pair.ended;
    // The kernel takes the urgent byte out of the stream (SO_OOBINLINE off): only urgent data goes missing.
    expect(pair.received()).toEqual([0x41, 0xff, 0xf4, 0xff, 0x42]);
  });

  it('reports a missing perl instead of sending', async () => {
    const pair = await connectedPair();
    expect(await sendUrgentSynch(pair.client, { perl: null })).toEqual({
      ok: false,
      reason: 'perl, which sends TCP urgent data, is not installed',
    });
  });

  it('reports a perl that fails, and one that never finishes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'telgate-perl-'));
    try {
      const failing = join(dir, 'failing');
      await writeFile(failing, '#!/bin/sh\necho "send failed: Broken pipe" >&2\nexit 9\n');
      const stuck = join(dir, 'stuck');
      await writeFile(stuck, '#!/bin/sh\nexec sleep 30\n');
      await chmod(failing, 0o755);
      await chmod(stuck, 0o755);
      const pair = await connectedPair();
      expect(await sendUrgentSynch(pair.client, { perl: failing })).toEqual({
        ok: false,
        reason: 'send failed: Broken pipe',
      });
      expect(await sendUrgentSynch(pair.client, { perl: stuck, timeoutMs: 200 })).toEqual({
        ok: false,
        reason: 'perl did not send the urgent data in time',
      });
      expect(await sendUrgentSynch(pair.client, { perl: join(dir, 'absent') })).toMatchObject({
        ok: false,
        reason: expect.stringMatching(/^perl could not run: .*ENOENT/),
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not try on a closed connection', async () => {
    const pair = await connectedPair();
    pair.client.destroy();
    expect(await sendUrgentSynch(pair.client)).toEqual({ ok: false, reason: 'the connection is closed' });
  });
});

describe('findPerl', () => {
  it('takes the first executable path and skips missing ones', () => {
    expect(findPerl(['/nonexistent/perl', '/bin/sh'])).toBe('/bin/sh');
    expect(findPerl(['/nonexistent/perl'])).toBeUndefined();
  });
});

describe('the socket after a Synch', () => {
  it('keeps reading: the host can still answer', async () => {
    const pair = await connectedPair(true);
    const echoed: number[] = [];
    pair.client.on('data', (d) => echoed.push(...d));
    expect(await sendUrgentSynch(pair.client)).toEqual({ ok: true });
    pair.client.write(Uint8Array.of(0x43));
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(
        () => reject(new Error(`no echo; the host read ${pair.received().join(' ')}`)),
        3_000,
      );
      const poll = setInterval(() => {
        if (echoed.includes(0x43)) {
          clearInterval(poll);
          clearTimeout(deadline);
          resolve();
        }
      }, 10);
    });
    // The IAC of the IAC DM (the DM went out of band), then the byte written after the Synch.
    expect(echoed).toEqual([0xff, 0x43]);
  });
});

describe('many Synchs at once', () => {
  it('all get sent, a few processes at a time', async () => {
    const pair = await connectedPair();
    const results = await Promise.all(Array.from({ length: 12 }, () => sendUrgentSynch(pair.client)));
    expect(results.every((r) => r.ok)).toBe(true);
    pair.client.end();
    await pair.ended;
    // Each left its IAC in the stream. TCP keeps one urgent mark: a DM still unread when the next urgent
    // send comes is read in line, only the last one is sure to go out of band.
    const received = pair.received();
    expect(received.filter((b) => b === 0xff)).toHaveLength(12);
    expect(received.filter((b) => b !== 0xff).every((b) => b === 0xf2)).toBe(true);
    expect(received.length).toBeLessThan(24);
  });
});
