import type { ITheme } from '@xterm/xterm';

/** The page's colour scheme. */
export type Theme = 'light' | 'dark';

/** Terminal colours per page theme, readable on both (the 16 ANSI colours tuned for contrast). */
export const TERMINAL_THEMES: Record<Theme, ITheme> = {
  dark: {
    background: '#14161a',
    foreground: '#d8dee9',
    cursor: '#f5c46b',
    cursorAccent: '#14161a',
    selectionBackground: '#3b4a63',
    black: '#1d2026',
    red: '#ef6b73',
    green: '#8fd18a',
    yellow: '#e8c46a',
    blue: '#6fa8f7',
    magenta: '#c792ea',
    cyan: '#63d3d9',
    white: '#d8dee9',
    brightBlack: '#6b7385',
    brightRed: '#ff8a91',
    brightGreen: '#a9e5a4',
    brightYellow: '#f7d88c',
    brightBlue: '#93c0ff',
    brightMagenta: '#dcb2f5',
    brightCyan: '#8ae6eb',
    brightWhite: '#ffffff',
  },
  light: {
    background: '#fbfbf8',
    foreground: '#24292f',
    cursor: '#b35900',
    cursorAccent: '#fbfbf8',
    selectionBackground: '#c8d9f2',
    black: '#24292f',
    red: '#c4242c',
    green: '#1f7a2e',
    yellow: '#8a6100',
    blue: '#1f5fbf',
    magenta: '#8a3fb0',
    cyan: '#0f7580',
    white: '#6e7781',
    brightBlack: '#57606a',
    brightRed: '#e0454c',
    brightGreen: '#2c9a40',
    brightYellow: '#a87a00',
    brightBlue: '#3578e0',
    brightMagenta: '#a65dcc',
    brightCyan: '#1b95a3',
    brightWhite: '#8c959f',
  },
};

/**
 * The colours of a PC's VGA text mode (the CGA palette), as ANSI art on BBSes was drawn for: on black,
 * with brown (not dark yellow) for colour 3.
 */
export const VGA_THEME: ITheme = {
  background: '#000000',
  foreground: '#aaaaaa',
  cursor: '#aaaaaa',
  cursorAccent: '#000000',
  selectionBackground: '#5555ff80',
  black: '#000000',
  red: '#aa0000',
  green: '#00aa00',
  yellow: '#aa5500',
  blue: '#0000aa',
  magenta: '#aa00aa',
  cyan: '#00aaaa',
  white: '#aaaaaa',
  brightBlack: '#555555',
  brightRed: '#ff5555',
  brightGreen: '#55ff55',
  brightYellow: '#ffff55',
  brightBlue: '#5555ff',
  brightMagenta: '#ff55ff',
  brightCyan: '#55ffff',
  brightWhite: '#ffffff',
};

/**
 * The terminal's colours: those of the page theme, or the VGA palette. `auto` is VGA in BBS mode and
 * the page theme otherwise.
 */
export type TerminalColors = 'auto' | 'theme' | 'vga';
export const TERMINAL_COLORS: readonly TerminalColors[] = ['auto', 'theme', 'vga'];

export function terminalTheme(theme: Theme, colors: TerminalColors, bbsMode: boolean): ITheme {
  const vga = colors === 'vga' || (colors === 'auto' && bbsMode);
  return vga ? VGA_THEME : TERMINAL_THEMES[theme];
}

/** Monospace fonts installed on most systems: nothing is downloaded. */
export const TERMINAL_FONT =
  'ui-monospace, "Cascadia Mono", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';
