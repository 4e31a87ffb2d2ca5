/**
 * A host floods a browser that stops acknowledging. Responsive output (the default for telgate.v2
 * sessions that keep a screen): the host is never held back, the browser gets `output-skipped` and the
 * screen once it acknowledges again, and an interrupt typed during the flood reaches the host at once.
 * Lossless output: the host is held back until the browser has read every byte.
 */
import { createServer, type Socket } from 'node:net';
import { type ServerFrame, SUBPROTOCOL, SUBPROTOCOLS } from '@telgate/protocol';
import xtermHeadless from '@xterm/headless';
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { buildTestApp } from '../testing/gateway.js';
import { TerminalClient } from '../testing/terminal-client.js';
import { sleep, until } from '../testing/wait.js';
import { createTelnetRelay } from './index.js';

const { Terminal } = xtermHeadless;
type HeadlessTerminal = InstanceType<typeof Terminal>;

const MiB = 1024 * 1024;
const HIGH_WATER = 64 * 1024;
const COLS = 80;
const ROWS = 24;
/** Far more than the window and every socket buffer between host and gateway hold. */
const HOST_GROWTH = 24 * MiB;
const PROMPT = 'flood stopped$ ';
/** The end of the stream kept for the reference terminal: every line ends with CR LF and a colour reset. */
const TAIL_BYTES = 256 * 1024;

let app: FastifyInstance | undefined;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await app?.close();
  app = undefined;
});

interface FloodHost {
  readonly port: number;
  /** Bytes the host's socket has handed to the kernel: what the gateway read, give or take its buffers. */
  sent(): number;
  /** The host got ^C: the flood is over and the prompt was written. */
  stopped(): boolean;
  /** The last bytes written (a suffix that starts at a line). */
  tail(): Buffer;
  stop(): Promise<void>;
}

/** Writes coloured lines as fast as it can until it reads ^C, then prints a prompt. */
async function startFloodHost(): Promise<FloodHost> {
  let socket: Socket | undefined;
  let flooding = true;
  const recent: Buffer[] = [];
  let recentBytes = 0;
  let line = 0;
  const keep = (bytes: Buffer) => {
    recent.push(bytes);
    recentBytes += bytes.length;
    while (recentBytes - recent[0]!.length >= TAIL_BYTES) recentBytes -= recent.shift()!.length;
  };
  const batch = () => {
    let text = '';
    for (let k = 0; k < 200; k++, line++) {
      text += `\x1b[3${(line % 7) + 1}mline ${line}\x1b[0m value=${(line * 7919) % 100000} ok\r\n`;
    }
    return Buffer.from(text);
  };
  const server = createServer((s) => {
    socket = s;
    s.on('error', () => {});
    const pump = () => {
      while (flooding && !s.destroyed) {
        const bytes = batch();
        keep(bytes);
        if (!s.write(bytes)) {
          s.once('drain', pump);
          return;
        }
      }
    };
    s.on('data', (data: Buffer) => {
      // Once the flood is over, printable input is echoed.
      const printable = data.filter((b) => b >= 0x20 && b < 0x7f);
      if (!flooding && printable.length > 0) s.write(printable);
      if (!flooding || !data.includes(0x03)) return;
      flooding = false;
      const end = Buffer.from(`^C\r\n${PROMPT}`);
      keep(end);
      s.write(end);
    });
    pump();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    sent: () => (socket ? socket.bytesWritten - socket.writableLength : 0),
    stopped: () => !flooding,
    tail: () => Buffer.concat(recent),
    stop: async () => {
      flooding = false;
      socket?.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function write(term: HeadlessTerminal, data: string | Uint8Array): Promise<void> {
  return new Promise((resolve) => term.write(data, resolve));
}

function visibleRows(term: HeadlessTerminal): string[] {
  const buffer = term.buffer.active;
  const rows: string[] = [];
  for (let y = 0; y < term.rows; y++) rows.push(buffer.getLine(buffer.baseY + y)!.translateToString(true));
  return rows;
}

/** The foreground colour of each visible row's first cell (the flood colours every line). */
function rowColours(term: HeadlessTerminal): string[] {
  const buffer = term.buffer.active;
  const colours: string[] = [];
  for (let y = 0; y < term.rows; y++) {
    const cell = buffer.getLine(buffer.baseY + y)!.getCell(0);
    colours.push(`${cell?.getFgColorMode()}:${cell?.getFgColor()}`);
  }
  return colours;
}

/** What a page shows: OUTPUT written in order, SCREEN drawn into a reset terminal. */
async function render(frames: readonly ServerFrame[]): Promise<HeadlessTerminal> {
  const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: 100, allowProposedApi: true });
  for (const frame of frames) {
    if (frame.type === 'output') await write(term, frame.data);
    else if (frame.type === 'screen') {
      term.reset();
      term.resize(frame.cols, frame.rows);
      await write(term, frame.data);
    }
  }
  return term;
}

/**
 * A gateway in front of the flood host and a browser on it: `output` as configured (the default when
 * undefined), on telgate.v2 unless `v1`.
 */
async function start(
  output: 'responsive' | 'lossless' | undefined,
  { v1 = false, lowWater = HIGH_WATER / 4 } = {},
): Promise<{ host: FloodHost; client: TerminalClient }> {
  const host = await startFloodHost();
  cleanups.push(() => host.stop());
  const setting = output === undefined ? '' : `, output: ${output}`;
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets: [{ id: flood, host: 127.0.0.1, port: ${host.port}, negotiation: passive${setting} }]
limits: { highWaterBytes: ${HIGH_WATER}, lowWaterBytes: ${lowWater} }
`,
    { onSession: createTelnetRelay() },
  );
  const client = await TerminalClient.open(app, '/ws?target=flood', {
    protocols: v1 ? SUBPROTOCOL : [...SUBPROTOCOLS],
  });
  cleanups.push(() => client.close());
  // A browser that reads but does not render: nothing is acknowledged until the test says so.
  client.autoAck = false;
  client.send({ type: 'resize', cols: COLS, rows: ROWS });
  await client.waitForFrame('state', (f) => f.state === 'connected');
  return { host, client };
}

it('responsive (the default): a browser that stops acknowledging gets the screen, the host is never held back, ^C goes through', {
  timeout: 60_000,
}, async () => {
  const { host, client } = await start(undefined);
  await client.until(() => client.outputBytes >= HIGH_WATER, 'a full window of output');

  // The browser acknowledges nothing, and the host is read on all the same.
  const before = host.sent();
  await until(() => host.sent() > before + HOST_GROWTH, 'the host to go on writing');
  expect(client.outputBytes).toBeLessThan(HOST_GROWTH / 4);
  expect(client.frames.some((f) => f.type === 'notice' && f.notice.kind === 'output-skipped')).toBe(false);

  // It catches up: the output it missed is reported, the screen follows.
  const framesBefore = client.frames.length;
  client.ack();
  await client.waitForFrame('notice', (f) => f.notice.kind === 'output-skipped');
  const skippedAt = client.frames.findIndex((f) => f.type === 'notice' && f.notice.kind === 'output-skipped');
  expect(skippedAt).toBeGreaterThanOrEqual(framesBefore);
  const notice = client.frames[skippedAt] as Extract<ServerFrame, { type: 'notice' }>;
  expect(notice.notice.kind === 'output-skipped' && notice.notice.bytes).toBeGreaterThan(HOST_GROWTH / 2);
  await client.until(() => client.frames.length > skippedAt + 1, 'the frame after the notice');
  const next = client.frames[skippedAt + 1]!;
  expect(next.type).toBe('screen');

  // ^C while the flood goes on: it reaches the host without the browser reading any backlog.
  client.autoAck = true;
  client.ack();
  client.type('\x03');
  await until(() => host.stopped(), 'the host to read ^C');
  let term = await render(client.frames);
  const deadline = Date.now() + 30_000;
  while (!visibleRows(term).some((row) => row.startsWith(PROMPT.trimEnd()))) {
    if (Date.now() > deadline) throw new Error(`no prompt on the screen: ${visibleRows(term).join('\n')}`);
    await sleep(50);
    client.ack();
    term.dispose();
    term = await render(client.frames);
  }
  // Everything the host wrote has arrived (live, or in a screen): the page shows what a terminal fed the
  // whole stream shows.
  await sleep(200);
  term.dispose();
  term = await render(client.frames);
  const reference = new Terminal({ cols: COLS, rows: ROWS, scrollback: 100, allowProposedApi: true });
  const tail = host.tail();
  await write(reference, tail.subarray(tail.indexOf('\x1b[3')));
  expect(visibleRows(term)).toEqual(visibleRows(reference));
  expect(rowColours(term)).toEqual(rowColours(reference));
  expect(term.buffer.active.cursorX).toBe(reference.buffer.active.cursorX);
  expect(term.buffer.active.cursorY).toBe(reference.buffer.active.cursorY);
  term.dispose();
  reference.dispose();
});

it('responsive: a browser slower than a flood that goes on gets newer screens at its own pace, never a backlog, and live output again once it has caught up', {
  timeout: 60_000,
}, async () => {
  const { host, client } = await start(undefined);
  // A page that renders slowly: it acknowledges what it got every 30 ms.
  const pace = setInterval(() => client.ack(), 30);
  cleanups.push(() => clearInterval(pace));
  await client.until(
    () => client.frames.filter((f) => f.type === 'screen').length >= 4,
    'several screens while the flood goes on',
  );
  // Between two screens the browser gets at most a window of OUTPUT and the output held for it: what
  // it is sent never grows with what the host prints.
  const screensAt = client.frames.flatMap((f, k) => (f.type === 'screen' ? [k] : []));
  for (let k = 1; k < screensAt.length; k++) {
    const between = client.frames.slice(screensAt[k - 1]! + 1, screensAt[k]);
    const output = between.reduce((n, f) => n + (f.type === 'output' ? f.data.length : 0), 0);
    expect(output).toBeLessThanOrEqual(HIGH_WATER + HIGH_WATER / 4);
  }
  expect(host.sent()).toBeGreaterThan(4 * (HIGH_WATER + HIGH_WATER / 4));
  // Every screen follows its own notice, in the order the protocol gives.
  for (const at of screensAt)
    expect(client.frames[at - 1]).toMatchObject({ type: 'notice', notice: { kind: 'output-skipped' } });

  // ^C: the flood ends, and the page shows what a terminal fed the whole stream shows.
  client.type('\x03');
  await until(() => host.stopped(), 'the host to read ^C');
  for (let shown = false, deadline = Date.now() + 30_000; !shown; await sleep(50)) {
    if (Date.now() > deadline) throw new Error('no prompt on the screen');
    const term = await render(client.frames);
    shown = visibleRows(term).some((row) => row.startsWith(PROMPT.trimEnd()));
    term.dispose();
  }
  // Caught up, the browser is sent live OUTPUT again: what the host echoes arrives as output.
  client.type('hello');
  await client.waitForText('hello', 10_000);
  const echoAt = client.frames.findIndex((f) => f.type === 'output' && Buffer.from(f.data).includes('hello'));
  expect(client.frames.slice(echoAt).some((f) => f.type === 'screen')).toBe(false);
  const term = await render(client.frames);
  const reference = new Terminal({ cols: COLS, rows: ROWS, scrollback: 100, allowProposedApi: true });
  const tail = host.tail();
  await write(reference, tail.subarray(tail.indexOf('\x1b[3')));
  await write(reference, 'hello');
  expect(visibleRows(term)).toEqual(visibleRows(reference));
  expect(rowColours(term)).toEqual(rowColours(reference));
  term.dispose();
  reference.dispose();
});

it('responsive: a browser that is behind is sent its next screen only once it has drawn the last one', {
  timeout: 60_000,
}, async () => {
  // A low-water mark above the size of a screen: the window is ready with a screen in it.
  const { host, client } = await start(undefined, { lowWater: HIGH_WATER - 1024 });
  await client.until(() => client.outputBytes >= HIGH_WATER, 'a full window of output');
  const before = host.sent();
  await until(() => host.sent() > before + 8 * HIGH_WATER, 'the host to go on writing');
  client.ack();
  await client.waitForFrame('screen');
  const screen = client.frames.find((f) => f.type === 'screen')!;
  expect(screen.type === 'screen' && screen.data.length).toBeLessThan(HIGH_WATER - 1024);
  // The page takes its time over the screen: while it has not acknowledged it, no other comes, however
  // much the host prints meanwhile.
  const printed = host.sent();
  await until(() => host.sent() > printed + 8 * HIGH_WATER, 'the host to go on writing');
  await sleep(300);
  expect(client.frames.filter((f) => f.type === 'screen')).toHaveLength(1);
  // Drawn and acknowledged: the next screen follows.
  client.ack();
  await client.until(() => client.frames.filter((f) => f.type === 'screen').length === 2, 'the next screen');
});

it('responsive: a burst a little larger than the window reaches a browser that was slow to acknowledge whole, without a screen', {
  timeout: 30_000,
}, async () => {
  const burst = HIGH_WATER + HIGH_WATER / 8;
  let written = false;
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('error', () => {});
    s.write(Buffer.alloc(burst, 0x61), () => {
      written = true;
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  );
  app = await buildTestApp(
    `
listen: { host: 127.0.0.1 }
targets: [{ id: burst, host: 127.0.0.1, port: ${(server.address() as { port: number }).port}, negotiation: passive }]
limits: { highWaterBytes: ${HIGH_WATER}, lowWaterBytes: ${HIGH_WATER / 4} }
`,
    { onSession: createTelnetRelay() },
  );
  const client = await TerminalClient.open(app, '/ws?target=burst', { protocols: [...SUBPROTOCOLS] });
  cleanups.push(() => client.close());
  client.autoAck = false;
  client.send({ type: 'resize', cols: COLS, rows: ROWS });
  await until(() => written && client.outputBytes >= HIGH_WATER, 'the burst written and a full window');
  // However long the browser takes, what is held for it stays within the bound: nothing is skipped.
  await sleep(500);
  client.autoAck = true;
  client.ack();
  await client.until(() => client.outputBytes === burst, 'the whole burst');
  expect(
    client.frames.some(
      (f) => f.type === 'screen' || (f.type === 'notice' && f.notice.kind === 'output-skipped'),
    ),
  ).toBe(false);
});

/** The host is held back by a browser that acknowledges nothing, then every byte reaches it in order. */
async function expectLossless(host: FloodHost, client: TerminalClient): Promise<void> {
  await client.until(() => client.outputBytes >= HIGH_WATER, 'a full window of output');
  // Held back: the host fills the socket buffers between it and the gateway, then writes no more.
  let last = -1;
  for (let k = 0; k < 300 && host.sent() !== last; k++) {
    last = host.sent();
    await sleep(100);
  }
  await sleep(300);
  expect(host.sent()).toBe(last);
  expect(host.sent()).toBeLessThan(HOST_GROWTH);
  expect(client.frames.some((f) => f.type === 'notice' && f.notice.kind === 'output-skipped')).toBe(false);
  expect(client.frames.some((f) => f.type === 'screen')).toBe(false);

  // Acknowledged, the flood goes on and every byte reaches the browser in order.
  client.autoAck = true;
  client.ack();
  await until(() => host.sent() > last + 4 * HIGH_WATER, 'the host to write again');
  client.type('\x03');
  await client.waitForText(PROMPT, 30_000);
  expect(client.outputBytes).toBe(host.sent());
  const tail = host.tail();
  expect(client.text.endsWith(tail.toString('utf8'))).toBe(true);
}

it('lossless: a browser that stops acknowledging holds the host back, and gets every byte', {
  timeout: 60_000,
}, async () => {
  const { host, client } = await start('lossless');
  await expectLossless(host, client);
});

it('telgate.v1 stays lossless under the responsive default: the host is held back, every byte arrives', {
  timeout: 60_000,
}, async () => {
  const { host, client } = await start(undefined, { v1: true });
  await expectLossless(host, client);
});
