import { useEffect, useState, useSyncExternalStore } from 'react';
import { loadLineSettings, saveLineSettings } from '../app/line-settings';
import type { SessionSnapshot, TelgateSession } from '../session/session';

export function useSessionSnapshot(session: TelgateSession): SessionSnapshot {
  return useSyncExternalStore(session.subscribe, session.getSnapshot);
}

/** The current time, updated every `intervalMs` while `active` (for durations and countdowns). */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}

/** Whether a CSS media query matches, following changes (e.g. `(pointer: coarse)` for touch screens). */
export function useMediaQuery(query: string): boolean {
  const [matches, setMatches] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, [query]);
  return matches;
}

/**
 * Applies the line settings the user chose for this host before, at the start of each session, and
 * remembers every change the user makes (see `line-settings.ts`).
 */
export function useRememberedLineSettings(session: TelgateSession, storage: Storage | undefined): void {
  useEffect(() => {
    const requested = () => session.getSnapshot().requested;
    // Settings applied from storage are already stored: not written back.
    let restoring = false;
    const offConnected = session.on('connected', () => {
      const target = requested();
      const stored = target ? loadLineSettings(storage, target) : undefined;
      if (!stored) return;
      restoring = true;
      try {
        session.updateSettings(stored);
      } finally {
        restoring = false;
      }
    });
    const offSettings = session.on('settings', (update) => {
      const target = requested();
      if (target && !restoring) saveLineSettings(storage, target, update);
    });
    return () => {
      offConnected();
      offSettings();
    };
  }, [session, storage]);
}

/**
 * Closing or reloading the page asks first while that would end the session for good (see
 * `TelgateSession.endsWithPage`); a session a reload gets back leaves without a question.
 */
export function useLeaveWarning(session: TelgateSession, active = true): void {
  useEffect(() => {
    if (!active) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!session.endsWithPage) return;
      event.preventDefault();
      // Older browsers ask only when returnValue is set.
      event.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [session, active]);
}
