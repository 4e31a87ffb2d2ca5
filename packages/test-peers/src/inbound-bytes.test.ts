import { describe, expect, it } from 'vitest';
import { describeBytes, InboundBytes } from './inbound-bytes.js';

describe('InboundBytes', () => {
  it('keeps every byte across growth, and earlier reads stay intact', async () => {
    const inbound = new InboundBytes('test');
    inbound.append(Buffer.from('head'));
    const head = await inbound.read(4);
    const chunks = Array.from({ length: 50 }, (_, i) => Buffer.alloc(1000, i));
    for (const chunk of chunks) inbound.append(chunk);
    expect(head.toString()).toBe('head');
    expect(inbound.all.equals(Buffer.concat([Buffer.from('head'), ...chunks]))).toBe(true);
    expect((await inbound.read(50_000)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('still serves bytes that arrived before the close', async () => {
    const inbound = new InboundBytes('test');
    inbound.append(Buffer.from('last words'));
    inbound.close('closed by peer');
    expect((await inbound.expect('words')).toString()).toBe('last words');
    expect((await inbound.read(0)).length).toBe(0);
    await expect(inbound.read(1)).rejects.toThrow(/closed by peer while waiting for 1 byte/);
  });

  it('rejects a negative or fractional count', async () => {
    const inbound = new InboundBytes('test');
    await expect(inbound.read(-1)).rejects.toMatchObject({ code: 'PEER_ERR_INVALID_ARGUMENT' });
    await expect(inbound.read(1.5)).rejects.toMatchObject({ code: 'PEER_ERR_INVALID_ARGUMENT' });
  });
});

describe('describeBytes', () => {
  it('shows hex and printable text, keeping only the latest bytes of long input', () => {
    expect(describeBytes(Buffer.from([0xff, 0xfd, 0x01, 0x41]))).toBe('4 byte(s) [ff fd 01 41] "...A"');
    expect(describeBytes(Buffer.from('abcdef'), 2)).toBe('6 byte(s) …(4 earlier bytes) [65 66] "ef"');
  });
});
