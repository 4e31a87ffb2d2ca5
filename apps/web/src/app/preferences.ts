import { TERMINAL_COLORS, TERMINAL_FONT, type TerminalColors, type Theme } from '../terminal/themes';

/** What the user chose for this browser, kept in localStorage. */
export interface Preferences {
  readonly theme: Theme;
  readonly fontSize: number;
  /** Show the on-screen key bar; undefined: show it on touch screens only. */
  readonly keyBar?: boolean;
  /** Lines of output the terminal keeps above the screen: one of SCROLLBACK_CHOICES. */
  readonly scrollback: number;
  /** The terminal's font: one of FONT_FAMILIES by id, or `custom` (then `customFont`). */
  readonly fontFamily: FontFamilyId;
  /** The font list typed under Settings → Display → Font → Custom…, kept while another is chosen. */
  readonly customFont?: string;
  /** xterm.js's screen-reader mode: the rows as an accessibility tree, new output read out. */
  readonly screenReader: boolean;
  /** The terminal's colours; undefined: `auto` (VGA in BBS mode, the theme's otherwise). */
  readonly terminalColors?: TerminalColors;
}

export const FONT_SIZE_MIN = 9;
export const FONT_SIZE_MAX = 32;
const STORAGE_KEY = 'telgate.preferences';

/** The scrollback sizes offered under Settings → Display, in lines. */
export const SCROLLBACK_CHOICES = [1000, 5000, 10_000, 50_000] as const;
export const DEFAULT_SCROLLBACK = 5000;

/**
 * The fonts offered under Settings → Display: monospace fonts found on most systems. Nothing is ever
 * downloaded: a font that is not installed falls back to the browser's monospace font.
 */
export const FONT_FAMILIES = [
  { id: 'system', label: 'System monospace', stack: TERMINAL_FONT },
  { id: 'dejavu', label: 'DejaVu Sans Mono', stack: '"DejaVu Sans Mono", monospace' },
  { id: 'liberation', label: 'Liberation Mono', stack: '"Liberation Mono", monospace' },
  { id: 'noto', label: 'Noto Sans Mono', stack: '"Noto Sans Mono", monospace' },
  { id: 'courier', label: 'Courier New', stack: '"Courier New", Courier, monospace' },
] as const;
export type FontFamilyId = (typeof FONT_FAMILIES)[number]['id'] | 'custom';
export const DEFAULT_FONT_FAMILY: FontFamilyId = 'system';
/** The longest custom font list kept, in characters. */
export const CUSTOM_FONT_MAX = 200;

export function defaultPreferences(prefersDark: boolean): Preferences {
  return {
    theme: prefersDark ? 'dark' : 'light',
    fontSize: 15,
    scrollback: DEFAULT_SCROLLBACK,
    fontFamily: DEFAULT_FONT_FAMILY,
    screenReader: false,
  };
}

/** CSS's generic families: named without quotes (quoted, they would name a font called so). */
const GENERIC_FAMILIES = new Set(['monospace', 'ui-monospace', 'serif', 'sans-serif', 'system-ui']);

/**
 * A custom font list as the terminal may use it: names separated by commas, each of letters, digits,
 * spaces, hyphens, dots and underscores only (no `;`, braces, quotes, `url(` or escapes: it is a list of
 * font names, nothing more), at most CUSTOM_FONT_MAX characters. Empty when nothing usable is left.
 */
export function cleanCustomFont(text: string): string {
  return text
    .slice(0, CUSTOM_FONT_MAX * 2)
    .split(',')
    .map((name) =>
      name
        .replace(/[^\p{L}\p{N} ._-]/gu, '')
        .replace(/\s+/g, ' ')
        .trim(),
    )
    .filter(Boolean)
    .join(', ')
    .slice(0, CUSTOM_FONT_MAX)
    .replace(/[ ,]+$/, '');
}

/** The CSS font stack for the terminal: the chosen font, the browser's monospace font if it is missing. */
export function fontStack(preferences: Pick<Preferences, 'fontFamily' | 'customFont'>): string {
  if (preferences.fontFamily === 'custom') {
    const names = cleanCustomFont(preferences.customFont ?? '')
      .split(', ')
      .filter(Boolean)
      .map((name) => (GENERIC_FAMILIES.has(name.toLowerCase()) ? name : `"${name}"`));
    return names.length > 0 ? `${names.join(', ')}, monospace` : TERMINAL_FONT;
  }
  return (FONT_FAMILIES.find(({ id }) => id === preferences.fontFamily) ?? FONT_FAMILIES[0]).stack;
}

function isFontFamilyId(value: unknown): value is FontFamilyId {
  return value === 'custom' || FONT_FAMILIES.some(({ id }) => id === value);
}

export function clampFontSize(size: number): number {
  return Math.min(FONT_SIZE_MAX, Math.max(FONT_SIZE_MIN, Math.round(size)));
}

/** Stored preferences over the defaults; anything unreadable or out of range is ignored, field by field. */
export function loadPreferences(storage: Storage | undefined, defaults: Preferences): Preferences {
  const stored = readJson(storage, STORAGE_KEY);
  if (typeof stored !== 'object' || stored === null) return defaults;
  const { theme, fontSize, keyBar, scrollback, fontFamily, customFont, screenReader, terminalColors } =
    stored as Record<string, unknown>;
  return {
    theme: theme === 'light' || theme === 'dark' ? theme : defaults.theme,
    fontSize:
      typeof fontSize === 'number' && Number.isFinite(fontSize) ? clampFontSize(fontSize) : defaults.fontSize,
    ...(typeof keyBar === 'boolean' ? { keyBar } : {}),
    scrollback: isScrollbackChoice(scrollback) ? scrollback : defaults.scrollback,
    fontFamily: isFontFamilyId(fontFamily) ? fontFamily : defaults.fontFamily,
    // Kept as typed (the terminal uses it through fontStack, which cleans it).
    ...(typeof customFont === 'string' ? { customFont: customFont.slice(0, CUSTOM_FONT_MAX) } : {}),
    screenReader: typeof screenReader === 'boolean' ? screenReader : defaults.screenReader,
    ...(TERMINAL_COLORS.includes(terminalColors as TerminalColors)
      ? { terminalColors: terminalColors as TerminalColors }
      : {}),
  };
}

function isScrollbackChoice(value: unknown): value is number {
  return (SCROLLBACK_CHOICES as readonly unknown[]).includes(value);
}

export function savePreferences(storage: Storage | undefined, preferences: Preferences): void {
  writeJson(storage, STORAGE_KEY, preferences);
}

/** localStorage can be missing, full or forbidden (privacy modes): preferences then just do not stick. */
export function readJson(storage: Storage | undefined, key: string): unknown {
  try {
    const text = storage?.getItem(key);
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

export function writeJson(storage: Storage | undefined, key: string, value: unknown): void {
  try {
    storage?.setItem(key, JSON.stringify(value));
  } catch {
    // Not stored; the page works the same for this visit.
  }
}

/** What a page receives to show and change the user's preferences. */
export interface AppearanceProps {
  readonly preferences: Preferences;
  readonly onPreferences: (preferences: Preferences) => void;
}
