import { describe, expect, it } from 'vitest';
import { TERMINAL_THEMES, terminalTheme, VGA_THEME } from './themes';

describe('terminalTheme', () => {
  it('is the VGA palette in BBS mode unless the user chose the theme’s colours', () => {
    expect(terminalTheme('dark', 'auto', true)).toBe(VGA_THEME);
    expect(terminalTheme('light', 'auto', false)).toBe(TERMINAL_THEMES.light);
    expect(terminalTheme('dark', 'theme', true)).toBe(TERMINAL_THEMES.dark);
    expect(terminalTheme('light', 'vga', false)).toBe(VGA_THEME);
  });

  it('has the classic CGA/VGA colours, brown for colour 3', () => {
    const { black, red, green, yellow, blue, magenta, cyan, white } = VGA_THEME;
    expect([black, red, green, yellow, blue, magenta, cyan, white]).toEqual([
      '#000000',
      '#aa0000',
      '#00aa00',
      '#aa5500',
      '#0000aa',
      '#aa00aa',
      '#00aaaa',
      '#aaaaaa',
    ]);
    const bright = [
      VGA_THEME.brightBlack,
      VGA_THEME.brightRed,
      VGA_THEME.brightGreen,
      VGA_THEME.brightYellow,
      VGA_THEME.brightBlue,
      VGA_THEME.brightMagenta,
      VGA_THEME.brightCyan,
      VGA_THEME.brightWhite,
    ];
    expect(bright).toEqual([
      '#555555',
      '#ff5555',
      '#55ff55',
      '#ffff55',
      '#5555ff',
      '#ff55ff',
      '#55ffff',
      '#ffffff',
    ]);
  });
});
