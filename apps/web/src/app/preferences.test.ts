import { describe, expect, it } from 'vitest';
import { MemoryStorage } from '../testing/memory-storage';
import { defaultPreferences, loadPreferences, savePreferences } from './preferences';

describe('preferences', () => {
  const defaults = defaultPreferences(true);

  it('default to the system colour scheme', () => {
    expect(defaults).toEqual({ theme: 'dark', fontSize: 15 });
    expect(defaultPreferences(false).theme).toBe('light');
  });

  it('round-trip through storage', () => {
    const storage = new MemoryStorage();
    savePreferences(storage, { theme: 'light', fontSize: 18, keyBar: true });
    expect(loadPreferences(storage, defaults)).toEqual({ theme: 'light', fontSize: 18, keyBar: true });
  });

  it('ignore bad values field by field, and clamp the font size', () => {
    const storage = new MemoryStorage();
    storage.setItem('telgate.preferences', JSON.stringify({ theme: 'neon', fontSize: 400, keyBar: 'yes' }));
    expect(loadPreferences(storage, defaults)).toEqual({ theme: 'dark', fontSize: 32 });
    storage.setItem('telgate.preferences', '{not json');
    expect(loadPreferences(storage, defaults)).toEqual(defaults);
  });

  it('survive a storage that refuses writes, or none at all', () => {
    const storage = new MemoryStorage();
    storage.failWrites = true;
    expect(() => savePreferences(storage, defaults)).not.toThrow();
    expect(loadPreferences(undefined, defaults)).toEqual(defaults);
  });
});
