import { describe, expect, it } from 'vitest';
import {
  countChunks,
  FLOOD_LINE_BYTES,
  floodChunks,
  passesNvtUnchanged,
  STREAM_CHUNK_BYTES,
} from './streams.js';

const concat = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks]).toString('latin1');

describe('bulk output', () => {
  it('floods exactly N KiB in whole lines, numbered and rotated across chunk boundaries', () => {
    const kib = STREAM_CHUNK_BYTES / 1024 + 1;
    const chunks = [...floodChunks(kib)];
    expect(chunks.map((c) => c.length)).toEqual([STREAM_CHUNK_BYTES, 1024]);
    const lines = concat(chunks).split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength((kib * 1024) / FLOOD_LINE_BYTES);
    expect(lines[0]).toBe('00000001 ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0');
    expect(lines[62]).toBe(lines[0]!.replace('00000001', '00000063'));
    const firstOfSecondChunk = STREAM_CHUNK_BYTES / FLOOD_LINE_BYTES;
    expect(lines[firstOfSecondChunk]).toBe(
      `${String(firstOfSecondChunk + 1).padStart(8, '0')} ${'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'.repeat(2).slice(firstOfSecondChunk % 62, (firstOfSecondChunk % 62) + 53)}`,
    );
  });

  it('counts in chunks without splitting the sequence', () => {
    expect(concat(countChunks(3))).toBe('1\r\n2\r\n3\r\n');
    const many = concat(countChunks(20_000)).split('\r\n');
    expect(many).toHaveLength(20_001);
    expect(many[19_999]).toBe('20000');
  });

  it('knows when NVT encoding would change nothing', () => {
    const bytes = (text: string) => Buffer.from(text, 'latin1');
    expect(passesNvtUnchanged(bytes('a\r\nb\r\n'))).toBe(true);
    expect(passesNvtUnchanged(bytes('plain'))).toBe(true);
    expect(passesNvtUnchanged(bytes('a\rb'))).toBe(false);
    expect(passesNvtUnchanged(bytes('ends in CR\r'))).toBe(false);
    expect(passesNvtUnchanged(Uint8Array.of(0x41, 0xff, 0x42))).toBe(false);
  });
});
