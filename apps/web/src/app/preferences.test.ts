import { describe, expect, it } from 'vitest';
import { TERMINAL_FONT } from '../terminal/themes';
import { MemoryStorage } from '../testing/memory-storage';
import {
  CUSTOM_FONT_MAX,
  cleanCustomFont,
  DEFAULT_SCROLLBACK,
  defaultPreferences,
  FONT_FAMILIES,
  fontStack,
  loadPreferences,
  SCROLLBACK_CHOICES,
  savePreferences,
} from './preferences';

describe('preferences', () => {
  const defaults = defaultPreferences(true);

  it('default to the system colour scheme', () => {
    expect(defaults).toEqual({
      theme: 'dark',
      fontSize: 15,
      scrollback: 5000,
      fontFamily: 'system',
      screenReader: false,
    });
    expect(defaultPreferences(false).theme).toBe('light');
  });

  it('keep the terminal colours chosen, and ignore a choice they do not know', () => {
    const storage = new MemoryStorage();
    savePreferences(storage, { ...defaults, terminalColors: 'vga' });
    expect(loadPreferences(storage, defaults).terminalColors).toBe('vga');
    storage.setItem('telgate.preferences', JSON.stringify({ terminalColors: 'cga' }));
    expect(loadPreferences(storage, defaults)).toEqual(defaults);
  });

  it('round-trip through storage', () => {
    const storage = new MemoryStorage();
    const chosen = {
      theme: 'light',
      fontSize: 18,
      keyBar: true,
      scrollback: 50_000,
      fontFamily: 'custom',
      customFont: 'Iosevka Term, monospace',
      screenReader: true,
    } as const;
    savePreferences(storage, chosen);
    expect(loadPreferences(storage, defaults)).toEqual(chosen);
  });

  it('ignore bad values field by field, and clamp the font size', () => {
    const storage = new MemoryStorage();
    storage.setItem('telgate.preferences', JSON.stringify({ theme: 'neon', fontSize: 400, keyBar: 'yes' }));
    expect(loadPreferences(storage, defaults)).toEqual({ ...defaults, fontSize: 32 });
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

  it('keep the font family only when it is one offered, and the screen-reader mode only as a boolean', () => {
    const storage = new MemoryStorage();
    for (const { id } of FONT_FAMILIES) {
      storage.setItem('telgate.preferences', JSON.stringify({ fontFamily: id }));
      expect(loadPreferences(storage, defaults).fontFamily).toBe(id);
    }
    for (const fontFamily of ['Comic Sans', '', 7, null, ['dejavu'], { id: 'noto' }, '__proto__']) {
      storage.setItem(
        'telgate.preferences',
        JSON.stringify({ fontFamily, screenReader: fontFamily, customFont: fontFamily }),
      );
      expect(loadPreferences(storage, defaults)).toEqual(
        typeof fontFamily === 'string' ? { ...defaults, customFont: fontFamily } : defaults,
      );
    }
    storage.setItem('telgate.preferences', JSON.stringify({ customFont: 'x'.repeat(10_000) }));
    expect(loadPreferences(storage, defaults).customFont).toHaveLength(CUSTOM_FONT_MAX);
  });

  it('give the terminal a font stack that always ends in a monospace font', () => {
    expect(fontStack({ fontFamily: 'system' })).toBe(TERMINAL_FONT);
    expect(fontStack({ fontFamily: 'dejavu' })).toBe('"DejaVu Sans Mono", monospace');
    expect(fontStack({ fontFamily: 'courier' })).toBe('"Courier New", Courier, monospace');
    expect(fontStack({ fontFamily: 'custom', customFont: 'Iosevka Term,  Fira_Code , monospace' })).toBe(
      '"Iosevka Term", "Fira_Code", monospace, monospace',
    );
    // Nothing usable typed: the default stack.
    expect(fontStack({ fontFamily: 'custom' })).toBe(TERMINAL_FONT);
    expect(fontStack({ fontFamily: 'custom', customFont: ' , ;{}' })).toBe(TERMINAL_FONT);
    // An id that is not offered (an older page's) never reaches xterm.js.
    expect(fontStack({ fontFamily: 'gone' as never })).toBe(TERMINAL_FONT);
  });

  it('keep a custom font list to font names: no quotes, semicolons, braces or url()', () => {
    expect(cleanCustomFont('"Fira Code"; } body { x: url(http://evil/) ')).toBe(
      'Fira Code body x urlhttpevil',
    );
    expect(cleanCustomFont('Noto Sans Mono CJK JP, ui-monospace')).toBe(
      'Noto Sans Mono CJK JP, ui-monospace',
    );
    expect(cleanCustomFont(`${'a'.repeat(150)}, ${'b'.repeat(150)}`).length).toBeLessThanOrEqual(
      CUSTOM_FONT_MAX,
    );
    expect(cleanCustomFont('\u0000\n\t')).toBe('');
  });

  it('survive a storage that refuses writes, or none at all', () => {
    const storage = new MemoryStorage();
    storage.failWrites = true;
    expect(() => savePreferences(storage, defaults)).not.toThrow();
    expect(loadPreferences(undefined, defaults)).toEqual(defaults);
  });
});
