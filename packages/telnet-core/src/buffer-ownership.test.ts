/**
 * The engine's buffer contract (README, "Buffer ownership"), shown by reusing and mutating the caller's
 * buffers after the engine has seen them.
 */
import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from './constants.js';
import { TelnetEngine } from './engine.js';
import type { TelnetEvent } from './events.js';

const { IAC, SB, SE, NOP } = Cmd;
const text = (s: string) => [...s].map((c) => c.charCodeAt(0));

function engine() {
  const events: TelnetEvent[] = [];
  const telnet = new TelnetEngine({ start: 'passive', role: 'client' }, (e) => events.push(e));
  const data = () => events.filter((e) => e.type === 'data').map((e) => e.data);
  return { telnet, events, data };
}

describe('data from the peer', () => {
  it('is a view of the chunk when nothing had to be removed: no copy, so it changes with that chunk', () => {
    const { telnet, data } = engine();
    const chunk = Uint8Array.from(text('hello, world'));
    telnet.receive(chunk);
    const [view] = data();
    expect(view?.buffer).toBe(chunk.buffer);
    expect(new TextDecoder().decode(view)).toBe('hello, world');
    // Not guaranteed: a caller that reuses its read buffer changes what it was handed before.
    chunk.fill(0x2a);
    expect(new TextDecoder().decode(view)).toBe('************');
  });

  it('is a view of the chunk around commands too (one view a run of data)', () => {
    const { telnet, data } = engine();
    const chunk = Uint8Array.from([...text('ab'), IAC, NOP, ...text('cd')]);
    telnet.receive(chunk);
    expect(data().map((d) => d.buffer === chunk.buffer)).toEqual([true, true]);
  });

  it('is a fresh buffer of its own when bytes were removed (IAC IAC, CR NUL), untouched by later use of the chunk', () => {
    const { telnet, data } = engine();
    const chunk = Uint8Array.from([...text('a'), IAC, IAC, ...text('b\r\0c')]);
    telnet.receive(chunk);
    const [copy] = data();
    expect(copy?.buffer).not.toBe(chunk.buffer);
    chunk.fill(0);
    expect([...(copy ?? [])]).toEqual([0x61, 0xff, 0x62, 0x0d, 0x63]);
  });

  it('is a view of a handed-over chunk even when bytes were removed, and earlier events stay as they were', () => {
    const { telnet, data } = engine();
    const chunk = Uint8Array.from([...text('ab'), IAC, NOP, ...text('c'), IAC, IAC, ...text('d\r\0e')]);
    telnet.receive(chunk, true);
    const [before, compacted] = data();
    expect(before?.buffer).toBe(chunk.buffer);
    expect(compacted?.buffer).toBe(chunk.buffer);
    expect([...(before ?? [])]).toEqual(text('ab'));
    expect([...(compacted ?? [])]).toEqual([0x63, 0xff, 0x64, 0x0d, 0x65]);
  });

  it('is never changed by the engine afterwards, whatever it receives next', () => {
    const { telnet, data } = engine();
    telnet.receive(Uint8Array.from([...text('x'), IAC, IAC, ...text('y')]));
    telnet.receive(Uint8Array.from(text('view')));
    const [first, second] = data().map((d) => [...d]);
    for (let k = 0; k < 20; k++)
      telnet.receive(Uint8Array.from([...text('more'), IAC, IAC, ...text('\r\0')]));
    expect(data()[0] && [...(data()[0] as Uint8Array)]).toEqual(first);
    expect(data()[1] && [...(data()[1] as Uint8Array)]).toEqual(second);
  });
});

describe('the engine and the caller', () => {
  it('never writes into a chunk given to receive()', () => {
    const { telnet } = engine();
    const bytes = [
      ...text('data\r\0more'),
      IAC,
      IAC,
      IAC,
      Cmd.DO,
      Opt.NAWS,
      IAC,
      SB,
      Opt.TTYPE,
      1,
      IAC,
      SE,
      0xf2,
      ...text('tail'),
    ];
    const chunk = Uint8Array.from(bytes);
    telnet.receive(chunk);
    expect([...chunk]).toEqual(bytes);
  });

  it('keeps no reference to a chunk once receive() returns: reusing it changes nothing of what follows', () => {
    const { telnet, data } = engine();
    const chunk = Uint8Array.from([...text('part one '), IAC]); // ends inside a command
    telnet.receive(chunk);
    chunk.fill(0x21);
    telnet.receive(Uint8Array.from([NOP, ...text('part two')]));
    expect(data().map((d) => new TextDecoder().decode(d))).toEqual(['!!!!!!!!!', 'part two']);
  });

  it('hands subnegotiation payloads over as copies', () => {
    const { telnet, events } = engine();
    telnet.receive(Uint8Array.of(IAC, Cmd.DO, Opt.TTYPE));
    const chunk = Uint8Array.from([IAC, SB, Opt.TTYPE, 1, IAC, SE]);
    telnet.receive(chunk);
    chunk.fill(0);
    const sub = events.find((e) => e.type === 'subnegotiation');
    expect(sub?.type === 'subnegotiation' && [...sub.data]).toEqual([1]);
  });

  it('sends data that needs no encoding as the caller’s own bytes (a view), and encoded data as a copy', () => {
    const { telnet, events } = engine();
    const plain = Uint8Array.from(text('ls\r\n'));
    telnet.sendData(plain);
    const sent = events.filter((e) => e.type === 'send').map((e) => e.data);
    expect(sent[0]?.buffer).toBe(plain.buffer);
    const escaped = Uint8Array.from([0x61, IAC]);
    telnet.sendData(escaped);
    const after = events.filter((e) => e.type === 'send').map((e) => e.data);
    expect(after[1]?.buffer).not.toBe(escaped.buffer);
    expect([...(after[1] ?? [])]).toEqual([0x61, IAC, IAC]);
  });
});
