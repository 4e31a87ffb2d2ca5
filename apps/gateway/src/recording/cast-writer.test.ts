import { existsSync } from 'node:fs';
import { mkdtemp, open as openFile, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { castOutput, parseAsciicast } from '../testing/asciicast.js';
import {
  type CastSink,
  CastWriter,
  completeUtf8Length,
  jsonStringBytes,
  type OpenSink,
} from './cast-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'telgate-cast-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = { timestamp: 1_700_000_000, title: 'lab (alice)', term: 'xterm-256color' };
const utf8 = (text: string) => new TextEncoder().encode(text);

function writer(path: string, extra: Partial<ConstructorParameters<typeof CastWriter>[0]> = {}) {
  let clock = 0;
  const now = () => clock;
  const w = new CastWriter({
    path,
    header,
    size: { cols: 80, rows: 24 },
    maxQueueBytes: 64 * 1024,
    closeTimeoutMs: 1000,
    now,
    ...extra,
  });
  return { w, tick: (ms: number) => (clock += ms) };
}

/** A disk that takes each write only when the test says so. */
function stalledDisk(): { open: OpenSink; writes: string[]; release: () => void } {
  const writes: string[] = [];
  let pending: Array<() => void> = [];
  const sink: CastSink = {
    write: (data) =>
      new Promise<void>((resolve) => {
        writes.push(Buffer.from(data).toString('utf8'));
        pending.push(resolve);
      }),
    close: async () => {},
  };
  return {
    open: async () => sink,
    writes,
    release: () => {
      for (const resolve of pending.splice(0)) resolve();
      pending = [];
    },
  };
}

describe('CastWriter', () => {
  it('writes asciicast v2: the header with the size first told, o, r and m events in time order', async () => {
    const path = join(dir, 'a.cast');
    const { w, tick } = writer(path);
    w.resize(100, 30);
    tick(10);
    w.output(utf8('hello '));
    tick(250);
    // A character split across chunks is joined.
    const euro = utf8('€');
    w.output(euro.subarray(0, 1));
    w.output(euro.subarray(1));
    w.resize(120, 40);
    w.marker('interrupt');
    w.input(utf8('ls\r'));
    const result = await w.close();
    expect(result).toMatchObject({ complete: true, bytesDropped: 0 });
    const text = await readFile(path, 'utf8');
    expect(result.bytesWritten).toBe(Buffer.byteLength(text));
    const cast = parseAsciicast(text);
    expect(cast.header).toEqual({
      version: 2,
      width: 100,
      height: 30,
      timestamp: header.timestamp,
      title: header.title,
      env: { TERM: 'xterm-256color' },
    });
    expect(cast.events).toEqual([
      [0.01, 'o', 'hello '],
      [0.26, 'o', '€'],
      [0.26, 'r', '120x40'],
      [0.26, 'm', 'interrupt'],
      [0.26, 'i', 'ls\r'],
    ]);
  });

  it('a disk that stops taking writes: the queue stays bounded, output is dropped, a marker says how much', async () => {
    const disk = stalledDisk();
    const reasons: string[] = [];
    const { w } = writer(join(dir, 'b.cast'), {
      openSink: disk.open,
      maxQueueBytes: 8 * 1024,
      onIncomplete: (reason) => reasons.push(reason),
    });
    await new Promise((r) => setImmediate(r));
    const chunk = utf8('x'.repeat(1000));
    for (let i = 0; i < 2000; i++) {
      w.output(chunk);
      expect(w.queuedBytes).toBeLessThanOrEqual(8 * 1024);
    }
    expect(reasons).toEqual(['queue_full']);
    expect(w.complete).toBe(false);
    // The disk catches up: what follows is written, after a marker for the gap.
    disk.release();
    await new Promise((r) => setImmediate(r));
    w.output(utf8('after the gap'));
    const closing = w.close();
    for (let i = 0; i < 20; i++) {
      disk.release();
      await new Promise((r) => setImmediate(r));
    }
    const result = await closing;
    expect(result.complete).toBe(false);
    expect(result.incompleteReason).toBe('queue_full');
    expect(result.bytesDropped).toBeGreaterThan(1_000_000);
    const written = disk.writes.join('');
    const cast = parseAsciicast(written);
    const markers = cast.events.filter(([, code]) => code === 'm').map(([, , data]) => data);
    expect(markers[0]).toMatch(/^\d+ bytes not recorded: the disk did not keep up$/);
    expect(markers.at(-1)).toMatch(/^recording incomplete: output was dropped/);
    expect(castOutput(cast)).toContain('after the gap');
  });

  it('a disk that never finishes a write: close gives up in bounded time, incomplete', async () => {
    const disk = stalledDisk();
    const { w } = writer(join(dir, 'c.cast'), { openSink: disk.open, closeTimeoutMs: 100 });
    w.output(utf8('stuck'));
    const started = Date.now();
    const result = await w.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ complete: false, incompleteReason: 'close_timeout' });
  });

  it('a full disk (/dev/full: ENOSPC from the kernel): writing stops, the recording is incomplete', async () => {
    expect(existsSync('/dev/full'), 'this test needs /dev/full').toBe(true);
    const reasons: string[] = [];
    const { w } = writer(join(dir, 'd.cast'), {
      openSink: async () => {
        const handle = await openFile('/dev/full', 'w');
        return { write: async (data) => void (await handle.write(data)), close: () => handle.close() };
      },
      onIncomplete: (reason, detail) => reasons.push(`${reason}: ${detail}`),
    });
    w.output(utf8('lost'));
    await new Promise((r) => setTimeout(r, 50));
    for (let i = 0; i < 100; i++) w.output(utf8('more output '));
    expect(w.queuedBytes).toBe(0);
    const result = await w.close();
    expect(result).toMatchObject({ complete: false, incompleteReason: 'write_failed', bytesWritten: 0 });
    expect(reasons).toEqual(['write_failed: the disk refused a write (ENOSPC)']);
  });

  it('a directory that cannot be written: the open fails, nothing throws, incomplete', async () => {
    const { w } = writer(join(dir, 'missing', 'e.cast'));
    w.output(utf8('nowhere'));
    const result = await w.close();
    expect(result).toMatchObject({ complete: false, incompleteReason: 'write_failed' });
    expect(result.detail).toContain('ENOENT');
  });
});

describe('output written without decoding', () => {
  it('escapes UTF-8 into the same JSON string JSON.stringify makes', () => {
    const samples = [
      'plain',
      'quote " backslash \\ ',
      '\u001b[1;31mred\u001b[0m\r\n\t',
      '\u0000\u0001\u001f\u007f',
      'é€😀✓',
      '',
    ];
    let random = 7;
    for (let n = 0; n < 200; n++) {
      let text = '';
      for (let k = 0; k < 40; k++) {
        random = (random * 1103515245 + 12345) % 2 ** 31;
        const pick = random % 6;
        text +=
          pick === 0
            ? String.fromCharCode(random % 32)
            : pick === 1
              ? '"\\'
              : pick === 2
                ? '€'
                : pick === 3
                  ? '😀'
                  : 'ab';
      }
      samples.push(text);
    }
    for (const text of samples) {
      const json = Buffer.from(jsonStringBytes(utf8(text))).toString('utf8');
      expect(JSON.parse(json)).toBe(text);
      expect(json).toBe(JSON.stringify(text));
    }
  });

  it('finds where the last whole UTF-8 sequence ends', () => {
    const euro = utf8('€');
    expect(completeUtf8Length(utf8('abc'))).toBe(3);
    expect(completeUtf8Length(euro)).toBe(3);
    expect(completeUtf8Length(euro.subarray(0, 2))).toBe(0);
    expect(completeUtf8Length(Buffer.concat([utf8('a'), euro.subarray(0, 1)]))).toBe(1);
    expect(completeUtf8Length(utf8('😀').subarray(0, 3))).toBe(0);
  });

  it('invalid UTF-8 is decoded with replacement characters, never written as is', async () => {
    const path = join(dir, 'f.cast');
    const { w } = writer(path);
    w.output(Uint8Array.of(0x61, 0xff, 0x62));
    // A sequence split over three chunks.
    const smile = utf8('😀');
    w.output(smile.subarray(0, 1));
    w.output(smile.subarray(1, 3));
    w.output(smile.subarray(3));
    await w.close();
    const cast = parseAsciicast(await readFile(path, 'utf8'));
    expect(castOutput(cast)).toBe('a\ufffdb😀');
  });
});
