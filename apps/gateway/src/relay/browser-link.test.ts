/**
 * Output toward the browser while it is drawing: what comes meanwhile waits in the link and goes out as
 * one message when the browser's acknowledgements say it has little left to draw. Real WebSockets on
 * loopback.
 */
import { type ClientFrame, decodeServerFrame, encodeClientFrame, SUBPROTOCOL } from '@telgate/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { DEFAULT_LIMITS } from '../config/defaults.js';
import { BrowserLink, type BrowserLinkEvents } from './browser-link.js';
import { createHostDecoder } from './charset.js';
import { OutputFramer } from './output-framer.js';

const SEND_BELOW = 1000;
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

interface Pair {
  link: BrowserLink;
  framer: OutputFramer;
  /** Server frames the browser side received, decoded. */
  received: ReturnType<typeof decodeServerFrame>[];
  /** Resolves once the browser side has received `count` messages in all. */
  messages(count: number): Promise<void>;
  /** The browser acknowledges `count` bytes; resolves once the link has handled it. */
  ack(count: number): Promise<boolean>;
  /** Output handed to the link (a host chunk, as the session hands it over). */
  output(text: string): number;
}

async function pair(): Promise<Pair> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => wss.once('listening', resolve));
  const { port } = wss.address() as { port: number };
  const serverSide = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, [SUBPROTOCOL]);
  const received: ReturnType<typeof decodeServerFrame>[] = [];
  const waiters: Array<() => void> = [];
  client.on('message', (data: Buffer) => {
    received.push(decodeServerFrame(data));
    for (const w of waiters.splice(0)) w();
  });
  const socket = await serverSide;
  await new Promise((resolve) =>
    client.readyState === client.OPEN ? resolve(undefined) : client.once('open', resolve),
  );
  const acks: Array<(ok: boolean) => void> = [];
  let link!: BrowserLink;
  const events: BrowserLinkEvents = {
    frame: (frame: ClientFrame) => {
      if (frame.type === 'ack') acks.shift()?.(link.ack(frame.count));
    },
    closed: () => {},
    failed: () => {},
    drained: () => {},
    error: (err) => {
      throw err;
    },
  };
  link = new BrowserLink(socket, DEFAULT_LIMITS, events, () => {}, SEND_BELOW);
  link.start();
  cleanups.push(() => {
    link.dispose();
    client.terminate();
    wss.close();
  });
  const framer = new OutputFramer(createHostDecoder('UTF-8'));
  return {
    link,
    framer,
    received,
    messages: (count) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${received.length} of ${count} messages`)), 3000);
        const check = () => {
          if (received.length >= count) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      }),
    ack: (count) =>
      new Promise<boolean>((resolve) => {
        acks.push(resolve);
        client.send(encodeClientFrame({ type: 'ack', count }));
      }),
    output: (text) => {
      framer.collect(Buffer.from(text));
      return link.sendOutput(framer, undefined);
    },
  };
}

const outputText = (frame: ReturnType<typeof decodeServerFrame> | undefined) =>
  frame?.ok && frame.frame.type === 'output' ? Buffer.from(frame.frame.data).toString('utf8') : undefined;

describe('BrowserLink: output while the browser draws', () => {
  it('sends output at once while the browser has drawn what it was sent (an echo on an idle session)', async () => {
    const p = await pair();
    expect(p.output('a')).toBe(1);
    await p.messages(1);
    expect(outputText(p.received[0])).toBe('a');
    expect(p.link.waiting).toBe(0);
    expect(p.link.unacked).toBe(1);
  });

  it('keeps what comes while the browser is drawing, and sends it as one message when an ACK brings the browser near the end', async () => {
    const p = await pair();
    const first = 'x'.repeat(3000);
    p.output(first);
    await p.messages(1);
    // 3000 bytes are being drawn (more than SEND_BELOW): the next chunks wait.
    for (const text of ['one ', 'two ', 'three']) p.output(text);
    expect(p.link.waiting).toBe(13);
    expect(p.link.unacked).toBe(3000);
    // Flow control counts waiting output like sent output.
    expect(p.link.pending).toBe(3013);
    // An ACK that leaves more than SEND_BELOW to draw sends nothing yet.
    expect(await p.ack(1000)).toBe(true);
    expect(p.link.waiting).toBe(13);
    // One that leaves less sends everything waiting, as one message.
    expect(await p.ack(1500)).toBe(true);
    await p.messages(2);
    expect(outputText(p.received[1])).toBe('one two three');
    expect(p.link.waiting).toBe(0);
    expect(p.link.unacked).toBe(513);
    expect(p.received).toHaveLength(2);
  });

  it('refuses an ACK for output that is still waiting (the browser cannot have drawn it)', async () => {
    const p = await pair();
    p.output('x'.repeat(2000));
    p.output('waiting');
    expect(await p.ack(2001)).toBe(false);
    expect(await p.ack(2000)).toBe(true);
  });

  it('sends waiting output ahead of a frame sent after it, so the browser sees them in order', async () => {
    const p = await pair();
    p.output('x'.repeat(2000));
    p.output('then this');
    p.link.send({ type: 'notice', notice: { kind: 'warning', code: 'TELNET_ERR_PROTOCOL', message: 'm' } });
    await p.messages(3);
    expect(outputText(p.received[1])).toBe('then this');
    expect(p.received[2]?.ok && p.received[2].frame.type).toBe('notice');
  });

  it('drops waiting output for a browser that gets the screen instead, keeping what was sent to be acknowledged', async () => {
    const p = await pair();
    p.output('x'.repeat(2000));
    p.output('skipped');
    expect(p.link.dropWaiting()).toBe(7);
    expect(p.link.pending).toBe(2000);
    expect(await p.ack(2000)).toBe(true);
    expect(p.link.pending).toBe(0);
    p.link.send({ type: 'notice', notice: { kind: 'warning', code: 'TELNET_ERR_PROTOCOL', message: 'm' } });
    await p.messages(2);
    expect(p.received.map(outputText)).toEqual(['x'.repeat(2000), undefined]);
  });

  it('sends waiting output before the session-closed state', async () => {
    const p = await pair();
    p.output('x'.repeat(2000));
    p.output('last words');
    p.link.close(undefined, 'done', 's1');
    await p.messages(3);
    expect(outputText(p.received[1])).toBe('last words');
    expect(p.received[2]?.ok && p.received[2].frame).toMatchObject({ type: 'state', state: 'closed' });
  });
});
