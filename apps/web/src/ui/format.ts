import type { TargetInfo } from '@telgate/protocol';
import type { SessionSnapshot } from '../session/session';
import { type ConnectTarget, describeConnectTarget } from '../session/socket';

/** A session's age as 0:42, 12:03 or 1:02:03. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const mm = hours > 0 ? String(minutes).padStart(2, '0') : String(minutes);
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** host:port, with brackets around an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

const HOST_LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i;

/**
 * Why a free-form host cannot be a host name or IP address, before asking the gateway; undefined when it
 * may be one (the gateway has the last word). Letters, digits, hyphens, underscores and dots for names;
 * IPv6 addresses with colons, optionally in brackets.
 */
export function hostNameProblem(host: string): string | undefined {
  const invalid = `"${host}" is not a valid host name. Use a name such as bbs.example.org or an IP address.`;
  const bracketed = /^\[(.*)\]$/.exec(host);
  const inner = bracketed ? bracketed[1]! : host;
  if (inner.includes(':')) return /^[0-9a-f:.]+$/i.test(inner) ? undefined : invalid;
  if (bracketed) return invalid;
  const name = host.replace(/\.$/, '');
  if (name.length === 0 || name.length > 253) return invalid;
  return name.split('.').every((label) => HOST_LABEL.test(label)) ? undefined : invalid;
}

/** What the status line calls the host: its label once the gateway named it, else what was asked for. */
export function targetName(target: TargetInfo | undefined, requested: ConnectTarget | undefined): string {
  if (target) return target.label || target.id;
  return requested ? describeConnectTarget(requested) : 'the host';
}

/** What a saved session's file is named after: the target's id, or the host (and port) asked for. */
export function saveName(target: TargetInfo | undefined, requested: ConnectTarget | undefined): string {
  if (target) return target.id;
  return requested ? describeConnectTarget(requested) : '';
}

/** Seconds left, rounded up, for countdowns ("in 3 s"). */
export function secondsLeft(until: number, now: number): number {
  return Math.max(0, Math.ceil((until - now) / 1000));
}

/** The status line: where the session stands, and `state` for styling and tests. */
export function connectionStatus(
  snapshot: SessionSnapshot,
  now: number,
): { readonly state: SessionSnapshot['status']['phase'] | 'stalled'; readonly text: string } {
  const { status } = snapshot;
  const name = targetName(snapshot.target, snapshot.requested);
  switch (status.phase) {
    case 'idle':
      return { state: 'idle', text: 'Not connected' };
    case 'connecting':
    case 'connected':
      // The gateway has stopped answering: a ticking clock would suggest all is well.
      if (snapshot.stalled)
        return { state: 'stalled', text: 'Connection stalled: the gateway is not answering' };
      return status.phase === 'connecting'
        ? { state: 'connecting', text: `Connecting to ${name}…` }
        : { state: 'connected', text: `Connected to ${name} · ${formatDuration(now - status.since)}` };
    case 'closed':
      return { state: 'closed', text: status.ending.byUser ? 'Disconnected' : 'Connection closed' };
  }
}

/**
 * What the page's polite live region says of the session: the status line without its ticking clock,
 * so a screen reader speaks each change once (connecting, connected, stalled, closed) and nothing else.
 */
export function statusAnnouncement(snapshot: SessionSnapshot): string {
  const { state, text } = connectionStatus(snapshot, 0);
  if (state === 'idle') return '';
  if (state === 'connected') return `Connected to ${targetName(snapshot.target, snapshot.requested)}`;
  return text;
}
