import type { SessionSnapshot } from '../session/session';
import { connectionStatus, statusAnnouncement } from './format';
import { useNow } from './hooks';

/**
 * Where the session stands, always on screen: connecting, connected for how long, stalled, or closed.
 * Not a live region (its clock ticks every second): StatusAnnouncer speaks the changes.
 */
export function StatusIndicator({ snapshot }: { snapshot: SessionSnapshot }) {
  const now = useNow(snapshot.status.phase === 'connected' && !snapshot.stalled);
  const { state, text } = connectionStatus(snapshot, now);
  return (
    <span className="status" data-testid="connection-state" data-state={state}>
      <span className="status-dot" aria-hidden="true" />
      <span className="status-text">{text}</span>
    </span>
  );
}

/** The session's changes for screen readers, politely, once each (also where no toolbar is shown). */
export function StatusAnnouncer({ snapshot }: { snapshot: SessionSnapshot }) {
  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="status-announcer">
      {statusAnnouncement(snapshot)}
    </div>
  );
}
