import type { TerminalMode } from '@telgate/protocol';
import { useEffect, useState } from 'react';
import { browserStorage } from '../app/storage';
import { onTerminalModeChange, terminalModeFor } from '../app/terminal-mode';
import type { SessionSnapshot } from '../session/session';

/**
 * The terminal mode in force for the session's host: the user's choice for it (Settings), else the
 * gateway's `terminal.mode` for the target, else normal. Follows changes from either.
 */
export function useTerminalMode(snapshot: Pick<SessionSnapshot, 'requested' | 'target'>): TerminalMode {
  const { requested, target } = snapshot;
  const [changes, setChanges] = useState(0);
  useEffect(() => onTerminalModeChange(() => setChanges((n) => n + 1)), []);
  // `changes` only makes the mode read again after the user chose one.
  void changes;
  return terminalModeFor(browserStorage(), requested, target);
}
