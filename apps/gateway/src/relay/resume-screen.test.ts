/**
 * A resumed page draws the SCREEN frame into a reset terminal: it must then show what a terminal fed
 * the whole stream shows — every line (scrollback included), the cursor, which screen is active, and
 * the colours of the cells — whatever the host printed before and while the session was detached.
 */
import { SUBPROTOCOLS } from '@telgate/protocol';
import { type ScriptedHost, startScriptedHost } from '@telgate/test-peers';
import xtermHeadless from '@xterm/headless';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTestApp, LogCapture } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { createTelnetRelay } from './index.js';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;
type Buffer_ = HeadlessTerminal['buffer']['active'];

const COLS = 80;
const ROWS = 24;
const SCROLLBACK = 1000;

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

function write(term: HeadlessTerminal, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

function lines(buffer: Buffer_): string[] {
  const out: string[] = [];
  for (let y = 0; y < buffer.length; y++) out.push(buffer.getLine(y)!.translateToString(true));
  return out;
}

/** The colours and attributes of the cells in the first columns of each visible row. */
function cells(buffer: Buffer_): string[] {
  const out: string[] = [];
  for (let row = 0; row < ROWS; row++) {
    const line = buffer.getLine(buffer.baseY + row);
    for (const x of [0, 1, 4, 9, 20]) {
      const cell = line?.getCell(x);
      if (!cell) continue;
      out.push(
        [
          row,
          x,
          cell.getChars(),
          cell.getFgColorMode(),
          cell.getFgColor(),
          cell.getBgColorMode(),
          cell.getBgColor(),
          cell.isBold(),
          cell.isInverse(),
          cell.isUnderline(),
        ].join(':'),
      );
    }
  }
  return out;
}

function describeTerminal(term: HeadlessTerminal) {
  const active = term.buffer.active;
  return {
    activeScreen: active.type,
    normal: lines(term.buffer.normal),
    alternate: active.type === 'alternate' ? lines(term.buffer.alternate).slice(0, ROWS) : [],
    cursor: { x: active.cursorX, y: active.cursorY },
    cells: cells(active),
  };
}

async function start(): Promise<{ host: ScriptedHost; logs: LogCapture }> {
  const host = await startScriptedHost(() => {});
  cleanups.push(() => host.stop());
  const logs = new LogCapture();
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets: [{ id: t, host: 127.0.0.1, port: ${host.port}, negotiation: passive }]
`,
    { onSession: createTelnetRelay(), logs },
  );
  return { host, logs };
}

/**
 * Sends `before` to a page, drops the page's socket, sends `during` while detached, resumes, and
 * compares the SCREEN drawn into a fresh terminal with a terminal fed the whole stream.
 */
async function roundTrip(before: string, during: string): Promise<void> {
  const { host, logs } = await start();
  const first = await TerminalClient.open(app!, '/ws?target=t', { protocols: [...SUBPROTOCOLS] });
  cleanups.push(() => first.close());
  first.send({ type: 'resize', cols: COLS, rows: ROWS });
  const conn = await host.nextConnection();
  const connected = await first.waitForFrame('state', (f) => f.state === 'connected');
  const credential = connected.state === 'connected' ? connected.resume!.credential : '';
  await conn.write(Buffer.from(before, 'utf8'));
  await first.until(() => first.outputBytes === Buffer.byteLength(before), 'everything sent before');
  first.ws.terminate();
  const deadline = Date.now() + 5000;
  while (!logs.text.includes('session detached') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  await conn.write(Buffer.from(during, 'utf8'));
  // The gateway has read the host's output once it answers anything queued behind it.
  await new Promise((r) => setTimeout(r, 200));

  const second = await TerminalClient.open(app!, '/ws?target=t', { protocols: [...SUBPROTOCOLS] });
  cleanups.push(() => second.close());
  second.send({ type: 'resume', credential });
  const screen = await second.waitForFrame('screen');
  expect({ cols: screen.cols, rows: screen.rows }).toEqual({ cols: COLS, rows: ROWS });

  const restored = new Terminal({
    cols: screen.cols,
    rows: screen.rows,
    scrollback: SCROLLBACK,
    allowProposedApi: true,
  });
  const reference = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true });
  cleanups.push(() => restored.dispose());
  cleanups.push(() => reference.dispose());
  await write(restored, screen.data);
  await write(reference, before + during);
  const want = describeTerminal(reference);
  const got = describeTerminal(restored);
  // The restored terminal's buffer starts where the reference's kept scrollback starts.
  expect(got.normal.slice(-want.normal.length)).toEqual(want.normal);
  expect(got.alternate).toEqual(want.alternate);
  expect(got.activeScreen).toBe(want.activeScreen);
  expect(got.cursor).toEqual(want.cursor);
  expect(got.cells).toEqual(want.cells);
}

const ESC = '\x1b';

describe('SCREEN after a resume equals a terminal fed the whole stream', () => {
  it('a flood of coloured lines, past the scrollback', async () => {
    const line = (i: number) =>
      `${ESC}[3${i % 8}m${ESC}[4${(i + 3) % 8}m#${i}${ESC}[0m plain ${ESC}[1;38;5;${i % 256}mbold ${i * 7}${ESC}[0m\r\n`;
    let before = '';
    for (let i = 0; i < 1500; i++) before += line(i);
    let during = '';
    for (let i = 1500; i < 1700; i++) during += line(i);
    await roundTrip(before, `${during}${ESC}[32mprompt$ ${ESC}[0m`);
  });

  it('a full-screen program: alternate screen, cursor addressing, reverse video', async () => {
    let before = 'user@host:~$ vi notes.txt\r\n';
    // Like vi: the alternate screen, cleared, text placed by cursor addressing, a status line.
    before += `${ESC}[?1049h${ESC}[H${ESC}[2J`;
    for (let row = 1; row < ROWS; row++) {
      before += `${ESC}[${row};1H${row < 6 ? `line ${row} of the file` : `${ESC}[34m~${ESC}[0m`}`;
    }
    before += `${ESC}[${ROWS};1H${ESC}[7m"notes.txt" 5L, 80B${ESC}[0m${ESC}[1;1H`;
    // Detached: the user's edit arrives from the host; the cursor ends in the middle of a line.
    const during = `${ESC}[3;6H${ESC}[1;31mEDITED${ESC}[0m${ESC}[${ROWS};1H${ESC}[2K-- INSERT --${ESC}[3;12H`;
    await roundTrip(before, during);
  });

  it('a plain shell session', async () => {
    let before = 'Debian GNU/Linux 12\r\n\r\nlogin: user\r\nPassword: \r\n';
    for (let i = 0; i < 40; i++) {
      before += `user@host:~$ echo line-${i}\r\nline-${i}\r\n`;
    }
    before += 'user@host:~$ ls\r\nbin\tdocs\tnotes.txt\r\nuser@host:~$ ';
    const during = 'date\r\nFri Dec  4 17:00:00 UTC 2026\r\nuser@host:~$ ech\b \b\b \bcho typed';
    await roundTrip(before, during);
  });
});
