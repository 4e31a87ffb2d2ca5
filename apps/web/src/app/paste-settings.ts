import type { ConnectTarget } from '../session/socket';
import {
  DEFAULT_PASTE_SETTINGS,
  MAX_CHAR_DELAY_MS,
  MAX_LINE_DELAY_MS,
  PASTE_WAITS,
  type PasteSettings,
} from '../terminal/paced-paste';
import { hostKey, MAX_REMEMBERED_HOSTS } from './line-settings';
import { readJson, writeJson } from './preferences';

/**
 * How pastes are paced for each host (line and character delays, what to wait for), kept in this
 * browser like the line settings: slow gear keeps its slow settings, other hosts keep the defaults.
 */
const STORAGE_KEY = 'telgate.paste-settings';
/** Longest prompt text kept. */
const MAX_PROMPT_LENGTH = 64;

function delay(value: unknown, max: number): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max
    ? Math.round(value)
    : undefined;
}

/** Keeps the known fields with valid values only. */
function parseSettings(value: unknown): Partial<PasteSettings> {
  if (typeof value !== 'object' || value === null) return {};
  const { lineDelayMs, charDelayMs, waitFor, prompt } = value as Record<string, unknown>;
  const line = delay(lineDelayMs, MAX_LINE_DELAY_MS);
  const char = delay(charDelayMs, MAX_CHAR_DELAY_MS);
  return {
    ...(line !== undefined ? { lineDelayMs: line } : {}),
    ...(char !== undefined ? { charDelayMs: char } : {}),
    ...(PASTE_WAITS.includes(waitFor as never) ? { waitFor: waitFor as PasteSettings['waitFor'] } : {}),
    ...(typeof prompt === 'string' && prompt.length <= MAX_PROMPT_LENGTH ? { prompt } : {}),
  };
}

function loadAll(storage: Storage | undefined): Record<string, Partial<PasteSettings>> {
  const stored = readJson(storage, STORAGE_KEY);
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
  const result: Record<string, Partial<PasteSettings>> = {};
  for (const [key, value] of Object.entries(stored)) {
    const settings = parseSettings(value);
    if (Object.keys(settings).length > 0) result[key] = settings;
  }
  return result;
}

/** The paste settings for this host: what the user chose over the defaults. */
export function loadPasteSettings(
  storage: Storage | undefined,
  target: ConnectTarget | undefined,
): PasteSettings {
  if (!target) return DEFAULT_PASTE_SETTINGS;
  const all = loadAll(storage);
  const key = hostKey(target);
  return { ...DEFAULT_PASTE_SETTINGS, ...(Object.hasOwn(all, key) ? all[key] : {}) };
}

/** Merges `update` into what is kept for this host; it becomes the most recently changed. */
export function savePasteSettings(
  storage: Storage | undefined,
  target: ConnectTarget,
  update: Partial<PasteSettings>,
): void {
  const all = loadAll(storage);
  const key = hostKey(target);
  const merged = { ...(Object.hasOwn(all, key) ? all[key] : {}), ...parseSettings(update) };
  delete all[key];
  const entries = [...Object.entries(all), [key, merged] as const].slice(-MAX_REMEMBERED_HOSTS);
  writeJson(storage, STORAGE_KEY, Object.fromEntries(entries));
}
