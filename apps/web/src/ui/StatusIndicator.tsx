import type { SessionSnapshot } from '../session/session';
import { formatDuration, targetName } from './format';
import { useNow } from './hooks';

/** Where the session stands, always on screen: connecting, connected for how long, or closed. */
export function StatusIndicator({ snapshot }: { snapshot: SessionSnapshot }) {
  const { status } = snapshot;
  const now = useNow(status.phase === 'connected');
  const name = targetName(snapshot.target, snapshot.requested);
  let text: string;
  switch (status.phase) {
    case 'idle':
      text = 'Not connected';
      break;
    case 'connecting':
      text = `Connecting to ${name}…`;
      break;
    case 'connected':
      text = `Connected to ${name} · ${formatDuration(now - status.since)}`;
      break;
    case 'closed':
      text = status.ending.byUser ? 'Disconnected' : 'Connection closed';
      break;
  }
  return (
    <output className="status" data-testid="connection-state" data-state={status.phase} aria-live="polite">
      <span className="status-dot" aria-hidden="true" />
      <span className="status-text">{text}</span>
    </output>
  );
}
