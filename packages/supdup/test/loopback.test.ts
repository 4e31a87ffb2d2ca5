import { connect, type Socket } from 'node:net';
import { SUPDUP_DEMO_CURSOR, type SupdupHost, startSupdupHost, supdupDemoScreen } from '@telgate/test-peers';
import { afterEach, describe, expect, it } from 'vitest';
import { createSupdupClient, type SupdupClient } from '../src/index.js';
import { type HeadlessTerminal, headlessTerminal, screenRows, write } from './screen.js';

const TIMEOUT_MS = 5000;

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let host: SupdupHost | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.destroy();
  await host?.stop();
});

/** Connects the engine to the scripted host over TCP on 127.0.0.1 and renders into a headless xterm.js. */
async function connectEngine(cols: number, rows: number) {
  host = await startSupdupHost();
  const terminal: HeadlessTerminal = headlessTerminal(cols, rows);
  let writes = Promise.resolve();
  const tcp = connect(host.port, host.host);
  socket = tcp;
  const engine: SupdupClient = createSupdupClient({ cols, rows }, (event) => {
    if (event.type === 'send') tcp.write(Uint8Array.from(event.data));
    // The engine reuses its output buffer: copy before the asynchronous write.
    else if (event.type === 'output') {
      const copy = Uint8Array.from(event.data);
      writes = writes.then(() => write(terminal, copy));
    }
  });
  tcp.on('data', (chunk: Buffer) => engine.receive(chunk));
  await new Promise<void>((resolve, reject) => {
    tcp.once('connect', resolve);
    tcp.once('error', reject);
  });
  engine.start();
  const session = await host.nextSession();
  const screen = async () => {
    await writes;
    return screenRows(terminal);
  };
  return { engine, session, terminal, screen, tcp };
}

describe('the engine against the scripted SUPDUP host over loopback TCP', () => {
  it('handshake, greeting, login with Rubout, the %TD demo, %TDORS, bucky input and logout', async () => {
    const { engine, session, screen, tcp } = await connectEngine(80, 24);

    // The host decoded the same initialization the engine built.
    const init = await session.initialization;
    expect(init).toMatchObject({ count: 8, ...engine.parameters });
    expect(init.tcmxh).toBe(79);

    await waitFor(() => engine.cursor.row === 2 && engine.cursor.col === 7, 'the login prompt');
    expect(await screen()).toEqual(['telgate SUPDUP test host', '', 'login:']);

    engine.sendText('gues');
    engine.sendText('x');
    engine.sendKey({ char: 0o177 }); // Rubout erases the x
    await waitFor(() => engine.cursor.col === 11, 'the echo after Rubout');
    expect(await screen()).toEqual(['telgate SUPDUP test host', '', 'login: gues']);
    engine.sendText('t\r');

    expect(await session.loginName).toBe('guest');
    const report = await session.cursorReport;
    expect(report).toEqual(SUPDUP_DEMO_CURSOR);
    await waitFor(() => engine.cursor.row === 16, 'the demo prompt');
    expect(await screen()).toEqual(supdupDemoScreen('guest', report));

    engine.sendKey({ char: 'x', control: true, meta: true });
    engine.sendKey({ char: '→' });
    engine.sendText('a\x1cb');
    engine.sendLocation('telgate test');
    engine.logout();
    await session.finished;
    await new Promise<void>((resolve) => (tcp.closed ? resolve() : tcp.once('close', () => resolve())));

    expect(session.inputs).toEqual([
      {
        type: 'key',
        code: 0o170 | 0o200 | 0o400,
        ascii: 0o170,
        control: true,
        meta: true,
        top: false,
        super: false,
        hyper: false,
      },
      {
        type: 'key',
        code: 0o4031,
        ascii: 0o31,
        control: false,
        meta: false,
        top: true,
        super: false,
        hyper: false,
      },
      {
        type: 'key',
        code: 0o141,
        ascii: 0o141,
        control: false,
        meta: false,
        top: false,
        super: false,
        hyper: false,
      },
      {
        type: 'key',
        code: 0o34,
        ascii: 0o34,
        control: false,
        meta: false,
        top: false,
        super: false,
        hyper: false,
      },
      {
        type: 'key',
        code: 0o142,
        ascii: 0o142,
        control: false,
        meta: false,
        top: false,
        super: false,
        hyper: false,
      },
      { type: 'location', text: 'telgate test' },
      { type: 'logout' },
    ]);
  });

  it('a small screen sends its own size and the demo still fits', async () => {
    const { engine, session, screen } = await connectEngine(40, 18);
    expect(await session.initialization).toMatchObject({ tcmxv: 18, tcmxh: 39 });
    await waitFor(() => engine.cursor.row === 2 && engine.cursor.col === 7, 'the login prompt');
    engine.sendText('ann\r');
    const report = await session.cursorReport;
    await waitFor(() => engine.cursor.row === 16, 'the demo prompt');
    expect(await screen()).toEqual(supdupDemoScreen('ann', report));
  });
});
