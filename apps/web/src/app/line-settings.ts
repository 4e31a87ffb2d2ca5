import {
  BACKSPACE_KEYS,
  EOL_MODES,
  LOCAL_ECHO_MODES,
  MAX_CHARSET_NAME_LENGTH,
  type SettingsUpdate,
} from '@telgate/protocol';
import type { ConnectTarget } from '../session/socket';
import { hostKey, MAX_REMEMBERED_HOSTS, perHostStore } from './per-host-store';

export { hostKey, MAX_REMEMBERED_HOSTS };

/**
 * The line settings (Enter, Backspace, local echo) and the charset the user chose for each host, kept in this browser
 * and applied again on the next session to the same host — like a saved PuTTY session.
 */

/** Keeps the known fields with valid values only. */
function parseSettings(value: unknown): SettingsUpdate {
  if (typeof value !== 'object' || value === null) return {};
  const { eol, backspace, localEcho, charset } = value as Record<string, unknown>;
  return {
    ...(EOL_MODES.includes(eol as never) ? { eol: eol as SettingsUpdate['eol'] } : {}),
    ...(BACKSPACE_KEYS.includes(backspace as never)
      ? { backspace: backspace as SettingsUpdate['backspace'] }
      : {}),
    ...(LOCAL_ECHO_MODES.includes(localEcho as never)
      ? { localEcho: localEcho as SettingsUpdate['localEcho'] }
      : {}),
    ...(typeof charset === 'string' && charset.length > 0 && charset.length <= MAX_CHARSET_NAME_LENGTH
      ? { charset }
      : {}),
  };
}

const store = perHostStore<SettingsUpdate>('telgate.line-settings', parseSettings);

/** What the user chose for this host, or undefined when nothing was. */
export function loadLineSettings(
  storage: Storage | undefined,
  target: ConnectTarget,
): SettingsUpdate | undefined {
  return store.load(storage, target);
}

/** Merges `update` into what is kept for this host; it becomes the most recently changed. */
export function saveLineSettings(
  storage: Storage | undefined,
  target: ConnectTarget,
  update: SettingsUpdate,
): void {
  store.save(storage, target, update);
}
