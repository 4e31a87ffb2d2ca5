import { type TargetInfo, TERMINAL_MODES, type TerminalMode } from '@telgate/protocol';
import type { ConnectTarget } from '../session/socket';
import { MAX_HISTORY_LINES } from '../terminal/line-history';
import { perHostStore } from './per-host-store';

/**
 * Per host, in this browser: the terminal mode the user chose (over the gateway's `terminal.mode`) and
 * the history of lines sent in MUD mode.
 */

/** History lines kept in storage per host, and the longest line kept, so storage stays small. */
export const STORED_HISTORY_LINES = 100;
export const STORED_HISTORY_LINE_LENGTH = 256;

const modes = perHostStore<{ mode?: TerminalMode }>('telgate.terminal-mode', (value) => {
  const mode = typeof value === 'object' && value !== null ? (value as { mode?: unknown }).mode : undefined;
  return TERMINAL_MODES.includes(mode as TerminalMode) ? { mode: mode as TerminalMode } : {};
});

const histories = perHostStore<{ lines?: string[] }>('telgate.line-history', (value) => {
  const lines =
    typeof value === 'object' && value !== null ? (value as { lines?: unknown }).lines : undefined;
  if (!Array.isArray(lines)) return {};
  return { lines: boundHistory(lines.filter((line): line is string => typeof line === 'string')) };
});

function boundHistory(lines: readonly string[]): string[] {
  return lines
    .filter((line) => line !== '' && line.length <= STORED_HISTORY_LINE_LENGTH)
    .slice(-Math.min(STORED_HISTORY_LINES, MAX_HISTORY_LINES));
}

/** The mode in force: the user's choice for this host, else the gateway's for the target, else normal. */
export function terminalModeFor(
  storage: Storage | undefined,
  requested: ConnectTarget | undefined,
  target: TargetInfo | undefined,
): TerminalMode {
  const chosen = requested ? modes.load(storage, requested)?.mode : undefined;
  return chosen ?? target?.terminalMode ?? 'normal';
}

const listeners = new Set<() => void>();

export function saveTerminalMode(
  storage: Storage | undefined,
  target: ConnectTarget,
  mode: TerminalMode,
): void {
  modes.save(storage, target, { mode });
  for (const listener of [...listeners]) listener();
}

/** `listener` runs whenever the user chooses a mode for some host. */
export function onTerminalModeChange(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

export function loadLineHistory(storage: Storage | undefined, target: ConnectTarget): string[] {
  return histories.load(storage, target)?.lines ?? [];
}

export function saveLineHistory(
  storage: Storage | undefined,
  target: ConnectTarget,
  lines: readonly string[],
): void {
  histories.save(storage, target, { lines: boundHistory(lines) });
}

const GLYPHS = 'CP437-glyphs';

/**
 * The charset a terminal mode goes with: BBS mode shows CP437 with the PC's control glyphs, and
 * leaving it shows them as controls again. Undefined: the charset stays.
 */
export function charsetForMode(mode: TerminalMode, charset: string | undefined): string | undefined {
  const glyphs = charset?.toLowerCase() === GLYPHS.toLowerCase();
  if (mode === 'bbs') return glyphs ? undefined : GLYPHS;
  return glyphs ? 'CP437' : undefined;
}
