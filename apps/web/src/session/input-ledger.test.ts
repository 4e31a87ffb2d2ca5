import { describe, expect, it } from 'vitest';
import { InputLedger } from './input-ledger';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (chunks: readonly Uint8Array[]) =>
  chunks.map((chunk) => new TextDecoder().decode(chunk)).join('');

describe('InputLedger', () => {
  it('sends again exactly what the gateway did not get, from the middle of a chunk', () => {
    const ledger = new InputLedger();
    ledger.reset(true);
    ledger.record(bytes('ls\r'));
    ledger.record(bytes('cat notes\r'));
    expect(ledger.sentBytes).toBe(13);
    const plan = ledger.resume(7); // "ls\r" and "cat " arrived
    expect(text(plan.resend)).toBe('notes\r');
    expect(plan.lost).toBe(0);
    // The same loss again, before anything new: the same bytes, still not confirmed.
    expect(text(ledger.resume(7).resend)).toBe('notes\r');
    // Once the gateway has them all, nothing goes again.
    expect(ledger.resume(13).resend).toEqual([]);
    expect(ledger.resume(13).resend).toEqual([]);
  });

  it('holds typed input up to its bound, in order, and hands it over once', () => {
    const ledger = new InputLedger(1024, 8);
    ledger.reset(true);
    expect(ledger.hold(bytes('abc'))).toBe(true);
    expect(ledger.hold(bytes('defgh'))).toBe(true);
    expect(ledger.hold(bytes('i'))).toBe(false);
    expect(ledger.queuedBytes).toBe(8);
    const plan = ledger.resume(0);
    expect(text(plan.queued)).toBe('abcdefgh');
    expect(ledger.queuedBytes).toBe(0);
    expect(ledger.resume(0).queued).toEqual([]);
  });

  it('after a reload, takes the gateway’s count as the start', () => {
    const ledger = new InputLedger();
    ledger.reset(false);
    expect(ledger.resume(500)).toEqual({ resend: [], queued: [], lost: 0 });
    expect(ledger.sentBytes).toBe(500);
    ledger.record(bytes('x'));
    expect(text(ledger.resume(500).resend)).toBe('x');
  });

  it('sends nothing again, and says how much, when what is missing is no longer held', () => {
    const ledger = new InputLedger(4, 64);
    ledger.reset(true);
    ledger.record(bytes('aaaa'));
    ledger.record(bytes('bbbb'));
    ledger.record(bytes('cc'));
    // Only the newest chunks within the window are held: "bbbb" and "cc" (from byte 4).
    expect(ledger.resume(2)).toEqual({ resend: [], queued: [], lost: 8 });
    expect(ledger.sentBytes).toBe(2);
  });
});
