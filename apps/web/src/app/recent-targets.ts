import type { ConnectTarget } from '../session/socket';
import { readJson, writeJson } from './preferences';

/** A target the user connected to, for the connect screen's "recent" list. */
export type RecentTarget = ConnectTarget & { readonly label?: string };

const STORAGE_KEY = 'telgate.recent';
export const MAX_RECENT = 8;

export function sameTarget(a: ConnectTarget, b: ConnectTarget): boolean {
  if (a.kind === 'target' && b.kind === 'target') return a.id === b.id;
  if (a.kind === 'host' && b.kind === 'host') return a.host === b.host && (a.port ?? 23) === (b.port ?? 23);
  return false;
}

/** The stored list, most recent first; malformed entries are dropped. */
export function loadRecent(storage: Storage | undefined): RecentTarget[] {
  const stored = readJson(storage, STORAGE_KEY);
  if (!Array.isArray(stored)) return [];
  return stored
    .flatMap((entry): RecentTarget[] => {
      const parsed = parseRecent(entry);
      return parsed ? [parsed] : [];
    })
    .slice(0, MAX_RECENT);
}

/** Puts `entry` first (once), keeps the list short, stores it, and returns it. */
export function rememberRecent(storage: Storage | undefined, entry: RecentTarget): RecentTarget[] {
  const list = [entry, ...loadRecent(storage).filter((other) => !sameTarget(other, entry))].slice(
    0,
    MAX_RECENT,
  );
  writeJson(storage, STORAGE_KEY, list);
  return list;
}

export function forgetRecent(storage: Storage | undefined, entry: ConnectTarget): RecentTarget[] {
  const list = loadRecent(storage).filter((other) => !sameTarget(other, entry));
  writeJson(storage, STORAGE_KEY, list);
  return list;
}

function parseRecent(value: unknown): RecentTarget | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { kind, id, host, port, label } = value as Record<string, unknown>;
  const labelPart = typeof label === 'string' && label ? { label } : {};
  if (kind === 'target' && typeof id === 'string' && id) return { kind, id, ...labelPart };
  if (kind === 'host' && typeof host === 'string' && host) {
    const validPort = Number.isInteger(port) && (port as number) >= 1 && (port as number) <= 65535;
    return { kind, host, ...(validPort ? { port: port as number } : {}), ...labelPart };
  }
  return undefined;
}
