/**
 * The demo host over real loopback sockets, driven by a telnet-core client engine (or raw bytes), the way
 * the gateway and the end-to-end tests meet it.
 */
import { connect, type Socket } from 'node:net';
import { Cmd, Opt, TelnetEngine, type TelnetEngineOptions, type TelnetEvent } from '@telgate/telnet-core';
import { InboundBytes, seededRandom } from '@telgate/test-peers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type DemoHost, type DemoHostOptions, PROMPT, startDemoHost } from './index.js';

/** Bound on every wait in these tests. */
const WAIT_MS = 5000;

const cleanups: Array<() => Promise<unknown> | undefined> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startHost(options: DemoHostOptions = {}): Promise<DemoHost> {
  const host = await startDemoHost({ port: 0, ...options });
  cleanups.push(() => host.close());
  return host;
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** A Telnet user: the client engine on a socket, its terminal output kept for reading step by step. */
class TelnetClient {
  readonly output = new InboundBytes('demo host output');
  readonly events: TelnetEvent[] = [];
  /** For each event, how many output bytes had arrived before it: where it sits in the stream. */
  readonly eventOffsets: number[] = [];
  readonly engine: TelnetEngine;
  readonly closed: Promise<void>;
  private eventWaiters: Array<() => void> = [];

  private constructor(
    readonly socket: Socket,
    options: TelnetEngineOptions,
    onEvent: ((event: TelnetEvent, client: TelnetClient) => void) | undefined,
  ) {
    this.engine = new TelnetEngine({ role: 'client', ...options }, (event) => {
      if (event.type === 'send') {
        if (!socket.destroyed) socket.write(event.data);
        return;
      }
      if (event.type === 'data') this.output.append(event.data);
      else {
        this.events.push(event.type === 'trace' ? { ...event, bytes: event.bytes.slice() } : event);
        this.eventOffsets.push(this.output.all.length);
      }
      onEvent?.(event, this);
      for (const wake of this.eventWaiters.splice(0)) wake();
    });
    socket.on('data', (chunk: Buffer) => this.engine.receive(chunk));
    socket.on('error', () => {});
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.output.close('the host closed the connection');
        for (const wake of this.eventWaiters.splice(0)) wake();
        resolve();
      });
    });
  }

  static async connect(
    port: number,
    options: TelnetEngineOptions = {},
    onEvent?: (event: TelnetEvent, client: TelnetClient) => void,
  ): Promise<TelnetClient> {
    const socket = await openSocket(port);
    const client = new TelnetClient(
      socket,
      { windowSize: { cols: 120, rows: 40 }, environ: { USER: 'alice' }, ...options },
      onEvent,
    );
    cleanups.push(() => {
      socket.destroy();
      return client.closed;
    });
    client.engine.start();
    return client;
  }

  /** Types text as a user would: Enter is a CR, sent as CR LF. */
  type(text: string): void {
    this.engine.sendInput(Buffer.from(text, 'utf8'));
  }

  /** Everything up to and including `text`, once it has arrived. */
  async expect(text: string): Promise<string> {
    return (await this.output.expect(Buffer.from(text, 'utf8'), WAIT_MS)).toString('utf8');
  }

  /** Runs a command line and returns its output (after the echoed line, before the next prompt). */
  async run(line: string): Promise<string> {
    this.type(`${line}\r`);
    await this.expect(`${line}\r\n`);
    return (await this.expect(PROMPT)).slice(0, -PROMPT.length);
  }

  async waitForEvent(predicate: (event: TelnetEvent) => boolean, count = 1): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    while (this.events.filter(predicate).length < count) {
      if (this.output.closed) throw new Error('connection closed while waiting for an event');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no such event within ${WAIT_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.eventWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Connects and waits for the banner and first prompt; returns the banner. */
async function login(
  host: DemoHost,
  options?: TelnetEngineOptions,
  onEvent?: (event: TelnetEvent, client: TelnetClient) => void,
): Promise<{ client: TelnetClient; banner: string }> {
  const client = await TelnetClient.connect(host.port, options, onEvent);
  const banner = await client.expect(PROMPT);
  return { client, banner };
}

/** `flood N` as specified: line i is i in 8 digits, a space, 53 letters rotated by i − 1, CR LF. */
function expectedFlood(kib: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const lines: string[] = [];
  for (let i = 1; i <= kib * 16; i++) {
    const rotated = alphabet.slice((i - 1) % 62) + alphabet.slice(0, (i - 1) % 62);
    lines.push(`${String(i).padStart(8, '0')} ${(rotated + rotated).slice(0, 53)}\r\n`);
  }
  return lines.join('');
}

const TTYPE_SEND = [Cmd.IAC, Cmd.SB, Opt.TTYPE, 1, Cmd.IAC, Cmd.SE];

describe('demo host', { timeout: 20_000 }, () => {
  it('greets as soon as the client has answered, not when the negotiation times out', async () => {
    // A timeout far beyond the wait for the banner: the banner can only come from the answers.
    const host = await startHost({ negotiationTimeoutMs: 60_000 });
    const { banner } = await login(host);
    expect(banner).toContain('Welcome to the telgate demo host.');
    expect(banner).toMatch(/window size +\x1b\[1m120x40\x1b\[0m/);
  });

  it('negotiates ECHO, SGA, TTYPE and NAWS, and greets with what it learned', async () => {
    const host = await startHost();
    expect(host.host).toBe('127.0.0.1');
    const { client, banner } = await login(host);

    expect(client.engine.isEnabled('remote', Opt.ECHO)).toBe(true);
    expect(client.engine.isEnabled('remote', Opt.SGA)).toBe(true);
    expect(client.engine.isEnabled('local', Opt.SGA)).toBe(true);
    expect(client.engine.isEnabled('local', Opt.TTYPE)).toBe(true);
    expect(client.engine.isEnabled('local', Opt.NAWS)).toBe(true);
    // The host cycles through the whole list and back to the first type (RFC 1091): 3 types, 5 asks.
    const ttypeSends = client.events.filter(
      (e) =>
        e.type === 'trace' && e.direction === 'in' && Buffer.from(e.bytes).equals(Buffer.from(TTYPE_SEND)),
    );
    expect(ttypeSends).toHaveLength(5);

    expect(banner).toContain('Welcome to the telgate demo host.');
    expect(banner).toMatch(
      /terminal type +\x1b\[1mXTERM-256COLOR\x1b\[0m {2}\(offered: XTERM-256COLOR, XTERM, VT100\)/,
    );
    expect(banner).toMatch(/window size +\x1b\[1m120x40\x1b\[0m/);
    expect(banner).toMatch(/host will +ECHO, SGA\r\n/);
    expect(banner).toMatch(/client will +SGA, TTYPE, NAWS, NEW-ENVIRON\r\n/);
    expect(banner).toMatch(/user +alice\r\n/);
    expect(host.sessions).toBe(1);

    const status = await client.run('status');
    expect(status).toMatch(/^ECHO +\x1b\[32mon\x1b\[0m +\x1b\[2moff\x1b\[0m\r$/m);
    expect(status).toMatch(/^NAWS +\x1b\[2moff\x1b\[0m +\x1b\[32mon\x1b\[0m\r$/m);
    expect(status).toContain('UTF-8 (not negotiated)');
    expect(status).toContain('host to client off, client to host off');
  });

  it('shows a custom banner line and greets a client with a single terminal type', async () => {
    const host = await startHost({ banner: 'Hello from the lab\nsecond line' });
    const { client, banner } = await login(host, { terminalTypes: ['ANSI'] });
    expect(banner).toContain('Hello from the lab\r\nsecond line');
    expect(banner).toMatch(/terminal type +\x1b\[1mANSI\x1b\[0m\r\n/);
    const sends = client.events.filter(
      (e) => e.type === 'trace' && e.direction === 'in' && e.bytes[1] === Cmd.SB && e.bytes[2] === Opt.TTYPE,
    );
    expect(sends).toHaveLength(2);
  });

  it('greets a client that does not negotiate once the wait is over, and still runs its commands', async () => {
    const host = await startHost({ negotiationTimeoutMs: 50 });
    const socket = await openSocket(host.port);
    const output = new InboundBytes('raw client');
    socket.on('data', (chunk: Buffer) => output.append(chunk));
    cleanups.push(() => {
      socket.destroy();
      return undefined;
    });
    const banner = (await output.expect(PROMPT, WAIT_MS)).toString('utf8');
    expect(banner).toContain('unknown (your client did not send TTYPE)');
    expect(banner).toContain('unknown (your client did not send NAWS)');
    // Its WILL ECHO went unanswered, so the host does not echo: the client's own terminal does.
    socket.write('stty size\r\n');
    expect((await output.expect(PROMPT, WAIT_MS)).toString('latin1')).toBe(`0 0\r\n${PROMPT}`);
  });

  it('follows NAWS: a notice at the prompt, after a running command, and in stty size', async () => {
    const host = await startHost();
    const { client } = await login(host);
    expect(await client.run('stty size')).toBe('40 120\r\n');

    client.type('echo x');
    await client.expect('echo x');
    client.engine.setWindowSize(100, 30);
    // The prompt line is replaced by the notice and drawn again below it, with what was typed so far.
    expect(await client.expect(`${PROMPT}echo x`)).toBe(`\r\x1b[K[window is now 100x30]\r\n${PROMPT}echo x`);
    client.type('\x15');
    expect(await client.run('stty size')).toBe('30 100\r\n');

    client.type('sleep 60\r');
    await client.expect('sleep 60\r\n');
    client.engine.setWindowSize(90, 20);
    client.type('\x03');
    // Not in the middle of the command: the notice waits for the prompt.
    expect(await client.expect(PROMPT)).toBe(`^C\r\n[window is now 90x20]\r\n${PROMPT}`);
    expect(await client.run('stty size')).toBe('20 90\r\n');
  });

  it('edits the line: backspace, Ctrl-U, Ctrl-W and UTF-8', async () => {
    const host = await startHost();
    const { client } = await login(host);
    client.type('echo helxo\x7f\x7flo\r');
    expect(await client.expect(PROMPT)).toBe(`echo helxo\b \b\b \blo\r\nhello\r\n${PROMPT}`);
    client.type('rm -rf /\x15echo two words\x17\x17one\r');
    expect(await client.expect(PROMPT)).toContain('\r\none\r\n');
    expect(await client.run('echo ünï 日本 "a  b"')).toBe('ünï 日本 a  b\r\n');
  });

  it('runs its commands', async () => {
    const host = await startHost();
    const { client } = await login(host);
    expect(await client.run('help')).toMatch(/stty size +the window size, as ROWS COLS/);
    expect(await client.run('count 5')).toBe('1\r\n2\r\n3\r\n4\r\n5\r\n');
    expect(await client.run('count lots')).toBe('usage: count N\r\n');
    expect(await client.run('nope')).toBe('demo: nope: command not found\r\n');
    expect(await client.run('echo "unfinished')).toBe('demo: unterminated double quote\r\n');
    expect(await client.run('ls')).toContain('\x1b[1;34mdocs\x1b[0m  \x1b[0mREADME.md\x1b[0m');
    expect(await client.run('ls -l')).toContain('latest\x1b[0m -> ');
    expect(await client.run('colors')).toContain('\x1b[48;5;231m');
    expect(await client.run('boxes')).toContain('╭─────────╮');
    expect(await client.run('idle')).toContain('No input for 0s.\r\nAfter 5m without input');
    expect(await client.run('')).toBe('');
  });

  it('runs a line typed while a command runs once the prompt is back', async () => {
    const host = await startHost();
    const { client } = await login(host);
    client.type('sleep 0.1\recho after\r');
    expect(await client.expect('echo after\r\n')).toBe(`sleep 0.1\r\n${PROMPT}echo after\r\n`);
    expect(await client.expect(PROMPT)).toBe(`after\r\n${PROMPT}`);
  });

  it('stops loop on Ctrl-C typed as data and on Telnet Interrupt Process', async () => {
    const host = await startHost();
    const { client } = await login(host);

    client.type('loop\r');
    await client.expect('tick 2\r\n');
    client.type('\x03');
    await client.expect(`^C\r\n${PROMPT}`);
    expect(await client.run('echo done')).toBe('done\r\n');

    client.type('loop\r');
    await client.expect('tick 2\r\n');
    client.engine.sendCommand(Cmd.IP);
    await client.expect(`^C\r\n${PROMPT}`);
    expect(await client.run('echo done')).toBe('done\r\n');
  });

  it('answers Interrupt Process and DO TIMING-MARK before it draws the new prompt', async () => {
    // A client that discards output from its interrupt up to the timing mark must still see the prompt.
    const host = await startHost();
    const { client } = await login(host);
    client.type('loop\r');
    await client.expect('tick 1\r\n');
    // Both in one write, as a client should send them.
    client.socket.cork();
    client.engine.sendCommand(Cmd.IP);
    client.engine.requestTimingMark();
    client.socket.uncork();
    await client.expect(`^C\r\n${PROMPT}`);
    const mark = client.events.findIndex((e) => e.type === 'timing-mark');
    expect(mark).toBeGreaterThanOrEqual(0);
    const prompt = client.output.all.lastIndexOf(Buffer.from(`^C\r\n${PROMPT}`));
    expect(prompt).toBeGreaterThanOrEqual(client.eventOffsets[mark]!);
  });

  it('answers Are You There, acknowledges Break, and discards output on Abort Output', async () => {
    const host = await startHost();
    const { client } = await login(host);
    client.engine.sendCommand(Cmd.AYT);
    expect(await client.expect(PROMPT)).toBe(`\r\x1b[K[demo host: yes, I'm here]\r\n${PROMPT}`);
    client.engine.sendCommand(Cmd.BRK);
    expect(await client.expect(PROMPT)).toBe(`\r\x1b[K[break]\r\n${PROMPT}`);

    client.type('loop\r');
    await client.expect('tick 1\r\n');
    client.engine.sendCommand(Cmd.AYT);
    await client.expect("\r\n[demo host: yes, I'm here]\r\n");
    client.engine.sendCommand(Cmd.AO);
    await client.expect('\r\n[output discarded]\r\n');
    await client.waitForEvent((e) => e.type === 'command' && e.command === Cmd.DM);
    // The loop runs on, silently, until interrupted.
    client.type('\x03');
    expect(await client.expect(PROMPT)).toBe(`^C\r\n${PROMPT}`);
  });

  it('logs out on DO LOGOUT: WILL LOGOUT, a goodbye, and the connection closes', async () => {
    const host = await startHost();
    const { client } = await login(host);
    client.engine.requestLogout();
    await client.waitForEvent((e) => e.type === 'logout' && e.result === 'accepted');
    await client.expect('[logged out at your request] Goodbye.\r\n');
    await client.closed;
    await vi.waitFor(() => expect(host.sessions).toBe(0), { timeout: WAIT_MS });
  });

  it('logs out on logout, exit and Ctrl-D', async () => {
    const host = await startHost();
    for (const [input, goodbye] of [
      ['logout\r', 'Goodbye.\r\n'],
      ['exit\r', 'Goodbye.\r\n'],
      ['\x04', 'logout\r\nGoodbye.\r\n'],
    ] as const) {
      const { client } = await login(host);
      client.type(input);
      await client.expect(goodbye);
      await client.closed;
    }
  });

  it('keeps a session whose client answers the idle warning with DONT LOGOUT', async () => {
    const host = await startHost({ idleWarningMs: 100, logoutGraceMs: 3000 });
    const { client } = await login(host, {}, (event, self) => {
      if (event.type === 'logout-warning') self.engine.answerAutoLogout(false);
    });
    // A second warning proves the first answer reset the host: an unanswered warning is never repeated.
    await client.waitForEvent((e) => e.type === 'logout-warning', 2);
    await client.expect('[staying logged in]');
    await client.expect('[staying logged in]');
    expect(await client.run('echo alive')).toBe('alive\r\n');
    expect(host.sessions).toBe(1);
  });

  it('logs an idle session out when the warning goes unanswered', async () => {
    const host = await startHost({ idleWarningMs: 100, logoutGraceMs: 100 });
    const client = await TelnetClient.connect(host.port);
    await client.waitForEvent((e) => e.type === 'logout-warning');
    await client.expect('[no answer to the idle warning: logged out] Goodbye.\r\n');
    await client.closed;
  });

  it('lets typing answer the idle warning', async () => {
    const host = await startHost({ idleWarningMs: 100, logoutGraceMs: 3000 });
    const { client } = await login(host);
    await client.waitForEvent((e) => e.type === 'logout-warning');
    client.type('echo here\r');
    await client.expect('[you are back: staying logged in]');
    await client.expect('\r\nhere\r\n');
  });

  it('delivers exactly the bytes of flood 1024', async () => {
    const host = await startHost();
    const { client } = await login(host);
    const output = await client.run('flood 1024');
    expect(output.length).toBe(1024 * 1024);
    expect(output === expectedFlood(1024)).toBe(true);
  });

  it('holds a flood back for a client that does not read, and still hears its interrupt', async () => {
    const host = await startHost();
    const { client } = await login(host);
    client.socket.pause();
    client.type('flood 1048576\r');
    await new Promise((resolve) => setTimeout(resolve, 100));
    client.engine.sendCommand(Cmd.IP);
    client.socket.resume();
    await client.expect(`^C\r\n${PROMPT}`);
    expect(await client.run('echo after')).toBe('after\r\n');
  });

  it('turns connections away past maxSessions', async () => {
    const host = await startHost({ maxSessions: 1 });
    const { client } = await login(host);
    const extra = await openSocket(host.port);
    const refused = new InboundBytes('refused client');
    extra.on('data', (chunk: Buffer) => refused.append(chunk));
    const closed = new Promise((resolve) => extra.once('close', resolve));
    cleanups.push(() => {
      extra.destroy();
      return undefined;
    });
    await refused.expect('all 1 sessions are in use; try again later\r\n', WAIT_MS);
    await closed;
    expect(await client.run('echo still here')).toBe('still here\r\n');
  });

  it('survives random bytes from its clients', async () => {
    const host = await startHost({ negotiationTimeoutMs: 50 });
    // Some inputs are kept from logging out (no Ctrl-D, EOF or LOGOUT): those sessions must live on.
    for (const [seed, mayLogOut] of [
      [1, false],
      [2, false],
      [3, false],
      [4, true],
      [5, true],
    ] as const) {
      const next = seededRandom(seed);
      const socket = await openSocket(host.port);
      const output = new InboundBytes(`garbage client ${seed}`);
      socket.on('data', (chunk: Buffer) => output.append(chunk));
      socket.on('error', () => {});
      const closed = new Promise<'closed'>((resolve) => socket.once('close', () => resolve('closed')));
      cleanups.push(() => {
        socket.destroy();
        return closed;
      });
      // This client does not negotiate: the shell starts after the wait, and then the garbage comes.
      await output.expect(PROMPT, WAIT_MS);
      for (let sent = 0; sent < 32 * 1024; ) {
        const chunk = Buffer.alloc(1 + Math.floor(next() * 2048));
        for (let k = 0; k < chunk.length; k++) {
          const byte = Math.floor(next() * 256);
          chunk[k] =
            mayLogOut || (byte !== 0x04 && byte !== Cmd.EOF && byte !== Opt.LOGOUT) ? byte : byte + 1;
        }
        socket.write(chunk);
        sent += chunk.length;
      }
      // Bring the parser back to plain data (ends any subnegotiation), abandon the line, run a command.
      socket.write(Buffer.from([0, 0, Cmd.IAC, Cmd.SE, 0x03]));
      socket.write('echo "probe"-ok\r\n');
      // Garbage that may log out (Ctrl-D, DO LOGOUT) may end its session: a fine outcome too.
      const outcome = await Promise.race([
        output.expect('probe-ok\r\n', WAIT_MS).then(() => 'answered' as const),
        closed,
      ]);
      expect(mayLogOut ? ['answered', 'closed'] : ['answered']).toContain(outcome);
      socket.destroy();
      await closed;
    }
    await vi.waitFor(() => expect(host.sessions).toBe(0), { timeout: WAIT_MS });
    const { client } = await login(host);
    expect(await client.run('echo ok')).toBe('ok\r\n');
  });

  it('close() ends every session politely and stops listening', async () => {
    const host = await startHost();
    const { client } = await login(host);
    await host.close();
    await client.expect('[the demo host is shutting down] Goodbye.\r\n');
    await client.closed;
    expect(host.sessions).toBe(0);
    await expect(openSocket(host.port)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('rejects bad options and a port in use with stable codes', async () => {
    await expect(startDemoHost({ port: 70_000 })).rejects.toMatchObject({ code: 'GW_ERR_DEMO_HOST_OPTIONS' });
    await expect(startDemoHost({ idleWarningMs: 0 })).rejects.toMatchObject({
      code: 'GW_ERR_DEMO_HOST_OPTIONS',
    });
    await expect(startDemoHost({ host: '' })).rejects.toMatchObject({ code: 'GW_ERR_DEMO_HOST_OPTIONS' });
    const host = await startHost();
    await expect(startDemoHost({ port: host.port })).rejects.toMatchObject({
      code: 'GW_ERR_DEMO_HOST_LISTEN',
    });
  });
});
