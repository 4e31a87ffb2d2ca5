import type { ConnectTarget } from '../session/socket';
import {
  DEFAULT_PASTE_SETTINGS,
  MAX_CHAR_DELAY_MS,
  MAX_LINE_DELAY_MS,
  PASTE_WAITS,
  type PasteSettings,
} from '../terminal/paced-paste';
import { perHostStore } from './per-host-store';

/**
 * How pastes are paced for each host (line and character delays, what to wait for), kept in this
 * browser like the line settings: slow gear keeps its slow settings, other hosts keep the defaults.
 */

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

const store = perHostStore<Partial<PasteSettings>>('telgate.paste-settings', parseSettings);

/** The paste settings for this host: what the user chose over the defaults. */
export function loadPasteSettings(
  storage: Storage | undefined,
  target: ConnectTarget | undefined,
): PasteSettings {
  if (!target) return DEFAULT_PASTE_SETTINGS;
  return { ...DEFAULT_PASTE_SETTINGS, ...store.load(storage, target) };
}

/** Merges `update` into what is kept for this host; it becomes the most recently changed. */
export function savePasteSettings(
  storage: Storage | undefined,
  target: ConnectTarget,
  update: Partial<PasteSettings>,
): void {
  store.save(storage, target, update);
}
