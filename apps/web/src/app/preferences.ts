import type { Theme } from './route';

/** What the user chose for this browser, kept in localStorage. */
export interface Preferences {
  readonly theme: Theme;
  readonly fontSize: number;
  /** Show the on-screen key bar; undefined: show it on touch screens only. */
  readonly keyBar?: boolean;
  /** Lines of output the terminal keeps above the screen: one of SCROLLBACK_CHOICES. */
  readonly scrollback: number;
}

export const FONT_SIZE_MIN = 9;
export const FONT_SIZE_MAX = 32;
const STORAGE_KEY = 'telgate.preferences';

/** The scrollback sizes offered under Settings → Display, in lines. */
export const SCROLLBACK_CHOICES = [1000, 5000, 10_000, 50_000] as const;
export const DEFAULT_SCROLLBACK = 5000;

export function defaultPreferences(prefersDark: boolean): Preferences {
  return { theme: prefersDark ? 'dark' : 'light', fontSize: 15, scrollback: DEFAULT_SCROLLBACK };
}

export function clampFontSize(size: number): number {
  return Math.min(FONT_SIZE_MAX, Math.max(FONT_SIZE_MIN, Math.round(size)));
}

/** Stored preferences over the defaults; anything unreadable or out of range is ignored, field by field. */
export function loadPreferences(storage: Storage | undefined, defaults: Preferences): Preferences {
  const stored = readJson(storage, STORAGE_KEY);
  if (typeof stored !== 'object' || stored === null) return defaults;
  const { theme, fontSize, keyBar, scrollback } = stored as Record<string, unknown>;
  return {
    theme: theme === 'light' || theme === 'dark' ? theme : defaults.theme,
    fontSize:
      typeof fontSize === 'number' && Number.isFinite(fontSize) ? clampFontSize(fontSize) : defaults.fontSize,
    ...(typeof keyBar === 'boolean' ? { keyBar } : {}),
    scrollback: isScrollbackChoice(scrollback) ? scrollback : defaults.scrollback,
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
