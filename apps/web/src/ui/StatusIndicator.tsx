import type { SessionSnapshot } from '../session/session';
import { connectionStatus } from './format';
import { useNow } from './hooks';

/** Where the session stands, always on screen: connecting, connected for how long, stalled, or closed. */
export function StatusIndicator({ snapshot }: { snapshot: SessionSnapshot }) {
  const now = useNow(snapshot.status.phase === 'connected' && !snapshot.stalled);
  const { state, text } = connectionStatus(snapshot, now);
  return (
    <output className="status" data-testid="connection-state" data-state={state} aria-live="polite">
      <span className="status-dot" aria-hidden="true" />
      <span className="status-text">{text}</span>
    </output>
  );
}
