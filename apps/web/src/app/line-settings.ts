import { BACKSPACE_KEYS, EOL_MODES, LOCAL_ECHO_MODES, type SettingsUpdate } from '@telgate/protocol';
import type { ConnectTarget } from '../session/socket';
import { readJson, writeJson } from './preferences';

/**
 * The line settings (Enter, Backspace, local echo) the user chose for each host, kept in this browser
 * and applied again on the next session to the same host — like a saved PuTTY session.
 */
const STORAGE_KEY = 'telgate.line-settings';
/** Hosts remembered; the least recently changed are forgotten first. */
export const MAX_REMEMBERED_HOSTS = 64;

type Stored = Record<string, SettingsUpdate>;

export function hostKey(target: ConnectTarget): string {
  return target.kind === 'target' ? `target:${target.id}` : `host:${target.host}:${target.port ?? 23}`;
}

/** Keeps the known fields with valid values only. */
function parseSettings(value: unknown): SettingsUpdate {
  if (typeof value !== 'object' || value === null) return {};
  const { eol, backspace, localEcho } = value as Record<string, unknown>;
  return {
    ...(EOL_MODES.includes(eol as never) ? { eol: eol as SettingsUpdate['eol'] } : {}),
    ...(BACKSPACE_KEYS.includes(backspace as never)
      ? { backspace: backspace as SettingsUpdate['backspace'] }
      : {}),
    ...(LOCAL_ECHO_MODES.includes(localEcho as never)
      ? { localEcho: localEcho as SettingsUpdate['localEcho'] }
      : {}),
  };
}

function loadAll(storage: Storage | undefined): Stored {
  const stored = readJson(storage, STORAGE_KEY);
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
  const result: Stored = {};
  for (const [key, value] of Object.entries(stored)) {
    const settings = parseSettings(value);
    if (Object.keys(settings).length > 0) result[key] = settings;
  }
  return result;
}

/** What the user chose for this host, or undefined when nothing was. */
export function loadLineSettings(
  storage: Storage | undefined,
  target: ConnectTarget,
): SettingsUpdate | undefined {
  const all = loadAll(storage);
  const key = hostKey(target);
  return Object.hasOwn(all, key) ? all[key] : undefined;
}

/** Merges `update` into what is kept for this host; it becomes the most recently changed. */
export function saveLineSettings(
  storage: Storage | undefined,
  target: ConnectTarget,
  update: SettingsUpdate,
) {
  const all = loadAll(storage);
  const key = hostKey(target);
  const merged = { ...(Object.hasOwn(all, key) ? all[key] : {}), ...parseSettings(update) };
  delete all[key];
  // Insertion order is age order: the newest goes last, the oldest are dropped first.
  const entries = [...Object.entries(all), [key, merged] as const].slice(-MAX_REMEMBERED_HOSTS);
  writeJson(storage, STORAGE_KEY, Object.fromEntries(entries));
}
