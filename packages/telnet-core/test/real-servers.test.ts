/**
 * The engine against real Telnet servers on loopback. inetutils and netkit answer ^C (and IP/AO) with a Synch
 * sent as TCP urgent data; a Node socket cannot set SO_OOBINLINE, so the urgent IAC is removed by the kernel
 * and a bare 0xF2 stays in the stream. The terminal must never see it.
 */
import { connect, type Socket } from 'node:net';
import { SHELL_PROMPT, startTelnetServer, type TelnetServer } from '@telgate/test-peers';
import { afterEach, describe, expect, it } from 'vitest';
import { Cmd, Opt, TelnetEngine } from '../src/index.js';

interface Client {
  engine: TelnetEngine;
  socket: Socket;
  /** Every data byte the engine handed on, as Latin-1 text. */
  text(): string;
  lostDms(): number;
  waitFor(pattern: string, after: number, timeoutMs?: number): Promise<number>;
  close(): void;
}

function open(port: number): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    let lost = 0;
    const waiters: Array<() => void> = [];
    const engine = new TelnetEngine({ start: 'active', environ: { USER: 'root' } }, (e) => {
      if (e.type === 'send') socket.write(e.data);
      else if (e.type === 'data') {
        text += Buffer.from(e.data.buffer, e.data.byteOffset, e.data.length).toString('latin1');
        for (const w of waiters.splice(0)) w();
      } else if (e.type === 'command' && e.command === Cmd.DM && e.lost) lost++;
    });
    socket.on('data', (chunk) => engine.receive(chunk));
    socket.once('error', reject);
    socket.once('connect', () => {
      engine.setWindowSize(100, 30);
      engine.start();
      resolve({
        engine,
        socket,
        text: () => text,
        lostDms: () => lost,
        waitFor(pattern, after, timeoutMs = 10_000) {
          return new Promise((done, fail) => {
            const timer = setTimeout(
              () =>
                fail(
                  new Error(
                    `timed out waiting for ${JSON.stringify(pattern)}; got ${JSON.stringify(text.slice(after))}`,
                  ),
                ),
              timeoutMs,
            );
            const check = () => {
              const at = text.indexOf(pattern, after);
              if (at >= 0) {
                clearTimeout(timer);
                done(at + pattern.length);
              } else waiters.push(check);
            };
            check();
          });
        },
        close: () => socket.destroy(),
      });
    });
  });
}

const encode = (s: string) => new TextEncoder().encode(s);

describe.each(['inetutils-shell', 'netkit-shell'] as const)('against real %s', (kind) => {
  let server: TelnetServer | undefined;
  let client: Client | undefined;
  afterEach(async () => {
    client?.close();
    await server?.stop();
  });

  it('negotiates to a shell prompt and runs a command', async () => {
    server = await startTelnetServer(kind);
    client = await open(server.port);
    let at = await client.waitFor(SHELL_PROMPT, 0);
    client.engine.sendInput(encode('stty size; echo done-$((40+2))\r'));
    at = await client.waitFor('done-42', at);
    expect(client.text()).toContain('30 100');
    expect(client.engine.isEnabled('local', Opt.NAWS)).toBe(true);
  });

  it('shows no stray byte when ^C makes the host send an urgent Synch', async () => {
    server = await startTelnetServer(kind);
    client = await open(server.port);
    let at = await client.waitFor(SHELL_PROMPT, 0);
    client.engine.sendInput(encode('echo sleeping-$((3*3)); sleep 30\r'));
    at = await client.waitFor('sleeping-9', at);
    // Let the shell start sleep: a ^C before that interrupts the shell instead.
    await new Promise((r) => setTimeout(r, 300));
    client.engine.sendData(Uint8Array.of(0x03));
    at = await client.waitFor(SHELL_PROMPT, at);
    client.engine.sendInput(encode('echo after-$((1+1))\r'));
    await client.waitFor('after-2', at);
    expect(client.lostDms(), 'the Synch arrived, as a bare DM').toBeGreaterThanOrEqual(1);
    expect(client.text()).not.toContain('\xf2');
  });

  it('shows no stray byte when Abort Output makes the host send an urgent Synch', async () => {
    server = await startTelnetServer(kind);
    client = await open(server.port);
    let at = await client.waitFor(SHELL_PROMPT, 0);
    client.engine.sendCommand(Cmd.AO);
    client.engine.sendInput(encode('echo ao-$((2+2))\r'));
    at = await client.waitFor('ao-4', at);
    await client.waitFor(SHELL_PROMPT, at);
    expect(client.lostDms()).toBeGreaterThanOrEqual(1);
    expect(client.text()).not.toContain('\xf2');
  });
});
