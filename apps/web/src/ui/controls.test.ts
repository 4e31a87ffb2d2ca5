import { describe, expect, it } from 'vitest';
import { ALL_CONTROLS, paletteAllows, parseControls, typedKeyEffect } from './controls';

describe('parseControls', () => {
  it('offers everything when the gateway names no kiosk controls', () => {
    expect(parseControls(undefined)).toEqual(ALL_CONTROLS);
    expect(parseControls({})).toEqual(ALL_CONTROLS);
  });

  it('keeps only the listed items, down to none, ignoring unknown names', () => {
    const controls = parseControls({ toolbar: ['interrupt', 'reboot', 'fullscreen'], settings: [] });
    expect([...controls.toolbar]).toEqual(['interrupt', 'fullscreen']);
    expect([...controls.settings]).toEqual([]);
  });
});

describe('paletteAllows', () => {
  const locked = parseControls({ toolbar: ['interrupt', 'commands'], settings: ['font-size'] });

  it('offers the Telnet commands the toolbar allows, and the rare ones the palette always had', () => {
    expect(paletteAllows(locked, 'action-interrupt')).toBe(true);
    expect(paletteAllows(locked, 'action-break')).toBe(false);
    expect(paletteAllows(locked, 'logout')).toBe(false);
    expect(paletteAllows(locked, 'action-nop')).toBe(true);
  });

  it('offers the settings the kiosk allows', () => {
    expect(paletteAllows(locked, 'font-larger')).toBe(true);
    expect(paletteAllows(locked, 'theme')).toBe(false);
    expect(paletteAllows(locked, 'eol-crlf')).toBe(false);
    expect(paletteAllows(locked, 'localEcho-on')).toBe(false);
    expect(paletteAllows(locked, 'settings')).toBe(false);
    expect(paletteAllows(ALL_CONTROLS, 'eol-crlf')).toBe(true);
    expect(paletteAllows(ALL_CONTROLS, 'localEcho-on')).toBe(true);
  });
});

describe('typedKeyEffect', () => {
  it('sends what is typed to a live session, and nothing from a page that only watches', () => {
    expect(typedKeyEffect('connected', false, 'ls\r')).toBe('send');
    expect(typedKeyEffect('reconnecting', false, 'x')).toBe('send');
    for (const phase of ['idle', 'connecting', 'connected', 'reconnecting'] as const) {
      expect(typedKeyEffect(phase, true, 'ls\r')).toBe('ignore');
      expect(typedKeyEffect(phase, true, '\x03')).toBe('ignore');
    }
  });

  it('on a closed session, Enter reconnects (watches again) and nothing else goes anywhere', () => {
    for (const readOnly of [false, true]) {
      expect(typedKeyEffect('closed', readOnly, '\r')).toBe('reconnect');
      expect(typedKeyEffect('closed', readOnly, 'a')).toBe('ignore');
    }
  });
});
