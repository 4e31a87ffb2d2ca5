import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../testing/memory-storage';
import {
  DEFAULT_SCROLLBACK,
  defaultPreferences,
  loadPreferences,
  SCROLLBACK_CHOICES,
  savePreferences,
} from './preferences';

describe('preferences', () => {
  const defaults = defaultPreferences(true);

  it('default to the system colour scheme', () => {
    expect(defaults).toEqual({ theme: 'dark', fontSize: 15, scrollback: 5000 });
    expect(defaultPreferences(false).theme).toBe('light');
  });

  it('round-trip through storage', () => {
    const storage = new MemoryStorage();
    savePreferences(storage, { theme: 'light', fontSize: 18, keyBar: true, scrollback: 50_000 });
    expect(loadPreferences(storage, defaults)).toEqual({
      theme: 'light',
      fontSize: 18,
      keyBar: true,
      scrollback: 50_000,
    });
  });

  it('ignore bad values field by field, and clamp the font size', () => {
    const storage = new MemoryStorage();
    storage.setItem('telgate.preferences', JSON.stringify({ theme: 'neon', fontSize: 400, keyBar: 'yes' }));
    expect(loadPreferences(storage, defaults)).toEqual({ theme: 'dark', fontSize: 32, scrollback: 5000 });
    storage.setItem('telgate.preferences', '{not json');
    expect(loadPreferences(storage, defaults)).toEqual(defaults);
  });

  it('keep the scrollback only when it is one of the sizes offered', () => {
    expect(SCROLLBACK_CHOICES).toEqual([1000, 5000, 10_000, 50_000]);
    expect(SCROLLBACK_CHOICES).toContain(DEFAULT_SCROLLBACK);
    const storage = new MemoryStorage();
    for (const scrollback of SCROLLBACK_CHOICES) {
      storage.setItem('telgate.preferences', JSON.stringify({ scrollback }));
      expect(loadPreferences(storage, defaults).scrollback).toBe(scrollback);
    }
    for (const scrollback of [0, -1, 1234, 1e9, '5000', null, Number.NaN]) {
      storage.setItem('telgate.preferences', JSON.stringify({ scrollback }));
      expect(loadPreferences(storage, defaults).scrollback).toBe(DEFAULT_SCROLLBACK);
    }
  });

  it('survive a storage that refuses writes, or none at all', () => {
    const storage = new MemoryStorage();
    storage.failWrites = true;
    expect(() => savePreferences(storage, defaults)).not.toThrow();
    expect(loadPreferences(undefined, defaults)).toEqual(defaults);
  });
});
