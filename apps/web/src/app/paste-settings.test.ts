import { describe, expect, it } from 'vitest';
import { DEFAULT_PASTE_SETTINGS } from '../terminal/paced-paste';
import { MemoryStorage } from '../testing/memory-storage';
import { MAX_REMEMBERED_HOSTS } from './line-settings';
import { loadPasteSettings, savePasteSettings } from './paste-settings';

const lab = { kind: 'target', id: 'lab' } as const;
const router = { kind: 'host', host: 'router.example', port: 2323 } as const;

describe('per-host paste settings', () => {
  it('starts from the defaults and remembers each host on its own', () => {
    const storage = new MemoryStorage();
    expect(loadPasteSettings(storage, lab)).toEqual(DEFAULT_PASTE_SETTINGS);
    expect(loadPasteSettings(storage, undefined)).toEqual(DEFAULT_PASTE_SETTINGS);
    savePasteSettings(storage, lab, { lineDelayMs: 300 });
    savePasteSettings(storage, lab, { waitFor: 'prompt', prompt: '#' });
    savePasteSettings(storage, router, { charDelayMs: 5 });
    expect(loadPasteSettings(storage, lab)).toEqual({
      ...DEFAULT_PASTE_SETTINGS,
      lineDelayMs: 300,
      waitFor: 'prompt',
      prompt: '#',
    });
    expect(loadPasteSettings(storage, router)).toEqual({ ...DEFAULT_PASTE_SETTINGS, charDelayMs: 5 });
  });

  it('ignores invalid stored values and unreadable storage', () => {
    const storage = new MemoryStorage();
    storage.setItem(
      'telgate.paste-settings',
      JSON.stringify({ 'target:lab': { lineDelayMs: -1, charDelayMs: 'x', waitFor: 'never', prompt: 5 } }),
    );
    expect(loadPasteSettings(storage, lab)).toEqual(DEFAULT_PASTE_SETTINGS);
    storage.setItem('telgate.paste-settings', '{not json');
    expect(loadPasteSettings(storage, lab)).toEqual(DEFAULT_PASTE_SETTINGS);
    savePasteSettings(storage, lab, { lineDelayMs: 1e9 });
    expect(loadPasteSettings(storage, lab)).toEqual(DEFAULT_PASTE_SETTINGS);
  });

  it('forgets the least recently changed hosts first', () => {
    const storage = new MemoryStorage();
    for (let i = 0; i <= MAX_REMEMBERED_HOSTS; i++) {
      savePasteSettings(storage, { kind: 'target', id: `t${i}` }, { lineDelayMs: i + 1 });
    }
    expect(loadPasteSettings(storage, { kind: 'target', id: 't0' })).toEqual(DEFAULT_PASTE_SETTINGS);
    expect(loadPasteSettings(storage, { kind: 'target', id: 't1' }).lineDelayMs).toBe(2);
  });
});
