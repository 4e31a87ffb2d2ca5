import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../testing/memory-storage';
import { parseResumeInfo, resumeKey, resumeStore } from './resume-store';

const CREDENTIAL = 'AbCdEfGhIjKlMnOp_-12';

describe('resumeStore', () => {
  it('keeps one credential per target, the latest only, and forgets it', () => {
    const storage = new MemoryStorage();
    const store = resumeStore(storage);
    const demo = { kind: 'target', id: 'demo' } as const;
    const other = { kind: 'host', host: 'demo' } as const;
    store.save(demo, { credential: CREDENTIAL, graceSeconds: 60 });
    store.save(demo, { credential: `${CREDENTIAL}x`, graceSeconds: 60 });
    expect(storage.length).toBe(1);
    expect(store.load(demo)).toEqual({ credential: `${CREDENTIAL}x`, graceSeconds: 60 });
    expect(store.load(other)).toBeUndefined();
    store.clear(demo);
    expect(store.load(demo)).toBeUndefined();
    expect(storage.length).toBe(0);
  });

  it('keeps the gateway holding the session, and drops one that is no gateway id', () => {
    const store = resumeStore(new MemoryStorage());
    const demo = { kind: 'target', id: 'demo' } as const;
    store.save(demo, { credential: CREDENTIAL, graceSeconds: 60, gateway: 'gw-2' });
    expect(store.load(demo)).toEqual({ credential: CREDENTIAL, graceSeconds: 60, gateway: 'gw-2' });
    expect(
      parseResumeInfo(JSON.stringify({ credential: CREDENTIAL, graceSeconds: 60, gateway: 'gw 2&x=1' })),
    ).toEqual({ credential: CREDENTIAL, graceSeconds: 60 });
  });

  it('names targets and free-form hosts apart', () => {
    expect(resumeKey({ kind: 'target', id: 'demo' })).toBe('telgate.resume:target:demo');
    expect(resumeKey({ kind: 'host', host: 'demo' })).toBe('telgate.resume:host:demo:23');
  });

  it('treats malformed entries as nothing stored, and storage that throws as no storage', () => {
    for (const text of [
      '',
      '{',
      'null',
      '[]',
      '{"credential":"short","graceSeconds":60}',
      '{"credential":"AbCdEfGhIjKlMnOp_-12","graceSeconds":0}',
    ])
      expect(parseResumeInfo(text)).toBeUndefined();
    const storage = new MemoryStorage();
    storage.failWrites = true;
    const store = resumeStore(storage);
    expect(() =>
      store.save({ kind: 'target', id: 'demo' }, { credential: CREDENTIAL, graceSeconds: 5 }),
    ).not.toThrow();
    expect(resumeStore(undefined).load({ kind: 'target', id: 'demo' })).toBeUndefined();
  });
});
