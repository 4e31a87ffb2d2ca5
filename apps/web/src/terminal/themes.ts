import type { ITheme } from '@xterm/xterm';
import type { Theme } from '../app/route';

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

/** Monospace fonts installed on most systems: nothing is downloaded. */
export const TERMINAL_FONT =
  'ui-monospace, "Cascadia Mono", "SF Mono", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace';
