import type { ConnectTarget } from '../session/socket';
import { readJson, writeJson } from './preferences';

/** Hosts remembered; the least recently changed are forgotten first. */
export const MAX_REMEMBERED_HOSTS = 64;

export function hostKey(target: ConnectTarget): string {
  return target.kind === 'target' ? `target:${target.id}` : `host:${target.host}:${target.port ?? 23}`;
}

/**
 * Settings kept in this browser per host under `storageKey`, like a saved PuTTY session. `parse` keeps
 * the known fields with valid values only, so what storage holds can never be trusted blindly.
 */
export function perHostStore<T extends object>(storageKey: string, parse: (value: unknown) => T) {
  function loadAll(storage: Storage | undefined): Record<string, T> {
    const stored = readJson(storage, storageKey);
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return {};
    const result: Record<string, T> = {};
    for (const [key, value] of Object.entries(stored)) {
      const settings = parse(value);
      if (Object.keys(settings).length > 0) result[key] = settings;
    }
    return result;
  }

  return {
    /** What the user chose for this host, or undefined when nothing was. */
    load(storage: Storage | undefined, target: ConnectTarget): T | undefined {
      const all = loadAll(storage);
      const key = hostKey(target);
      return Object.hasOwn(all, key) ? all[key] : undefined;
    },
    /** Merges `update` into what is kept for this host; it becomes the most recently changed. */
    save(storage: Storage | undefined, target: ConnectTarget, update: T): void {
      const all = loadAll(storage);
      const key = hostKey(target);
      const merged = { ...(Object.hasOwn(all, key) ? all[key] : {}), ...parse(update) };
      delete all[key];
      // Insertion order is age order: the newest goes last, the oldest are dropped first.
      const entries = [...Object.entries(all), [key, merged] as const].slice(-MAX_REMEMBERED_HOSTS);
      writeJson(storage, storageKey, Object.fromEntries(entries));
    },
  };
}
