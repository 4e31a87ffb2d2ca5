import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../testing/memory-storage';
import { hostKey, loadLineSettings, MAX_REMEMBERED_HOSTS, saveLineSettings } from './line-settings';

const lab = { kind: 'target', id: 'lab' } as const;
const router = { kind: 'host', host: 'router.example', port: 2323 } as const;

describe('per-host line settings', () => {
  it('remembers each host on its own and merges changes', () => {
    const storage = new MemoryStorage();
    expect(loadLineSettings(storage, lab)).toBeUndefined();
    saveLineSettings(storage, lab, { eol: 'crnul' });
    saveLineSettings(storage, lab, { backspace: 'bs' });
    saveLineSettings(storage, router, { localEcho: 'on' });
    expect(loadLineSettings(storage, lab)).toEqual({ eol: 'crnul', backspace: 'bs' });
    expect(loadLineSettings(storage, router)).toEqual({ localEcho: 'on' });
    expect(loadLineSettings(storage, { kind: 'host', host: 'router.example' })).toBeUndefined();
  });

  it('remembers the charset chosen for a host, and ignores one that cannot be a charset name', () => {
    const storage = new MemoryStorage();
    saveLineSettings(storage, router, { charset: 'CP437' });
    saveLineSettings(storage, router, { eol: 'lf' });
    expect(loadLineSettings(storage, router)).toEqual({ charset: 'CP437', eol: 'lf' });
    storage.setItem(
      'telgate.line-settings',
      JSON.stringify({ 'target:lab': { charset: 'x'.repeat(41) }, 'target:x': { charset: 437, eol: 'lf' } }),
    );
    expect(loadLineSettings(storage, lab)).toBeUndefined();
    expect(loadLineSettings(storage, { kind: 'target', id: 'x' })).toEqual({ eol: 'lf' });
  });

  it('tells a configured target from a host of the same name, and default port 23', () => {
    expect(hostKey({ kind: 'target', id: 'a' })).not.toBe(hostKey({ kind: 'host', host: 'a' }));
    expect(hostKey({ kind: 'host', host: 'a' })).toBe(hostKey({ kind: 'host', host: 'a', port: 23 }));
  });

  it('ignores stored values that are not valid settings, and unreadable storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'telgate.line-settings',
      JSON.stringify({
        'target:lab': { eol: 'cr', backspace: 'bs', extra: 1 },
        'target:x': 'nope',
        __proto__: {},
      }),
    );
    expect(loadLineSettings(storage, lab)).toEqual({ backspace: 'bs' });
    expect(loadLineSettings(storage, { kind: 'target', id: 'x' })).toBeUndefined();
    storage.setItem('telgate.line-settings', '{not json');
    expect(loadLineSettings(storage, lab)).toBeUndefined();
    expect(loadLineSettings(undefined, lab)).toBeUndefined();
    expect(() => saveLineSettings(undefined, lab, { eol: 'lf' })).not.toThrow();
  });

  it('forgets the least recently changed hosts beyond the cap', () => {
    const storage = new MemoryStorage();
    for (let i = 0; i <= MAX_REMEMBERED_HOSTS; i++)
      saveLineSettings(storage, { kind: 'target', id: `t${i}` }, { eol: 'lf' });
    expect(loadLineSettings(storage, { kind: 'target', id: 't0' })).toBeUndefined();
    expect(loadLineSettings(storage, { kind: 'target', id: 't1' })).toEqual({ eol: 'lf' });
    // Changing an old host makes it the newest.
    saveLineSettings(storage, { kind: 'target', id: 't1' }, { eol: 'crlf' });
    saveLineSettings(storage, { kind: 'target', id: 'new' }, { eol: 'lf' });
    expect(loadLineSettings(storage, { kind: 'target', id: 't1' })).toEqual({ eol: 'crlf' });
    expect(loadLineSettings(storage, { kind: 'target', id: 't2' })).toBeUndefined();
  });
});
