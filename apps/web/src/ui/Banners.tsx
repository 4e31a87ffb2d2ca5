import type { Notice } from '@telgate/protocol';
import { type ReactNode, useEffect } from 'react';
import { isInformational, type SessionSnapshot, type TelgateSession } from '../session/session';
import { formatAway, targetName } from './format';

/** How long "Resumed — away 12 s" stays on screen. */
const RESUMED_SHOWN_MS = 4_000;

/** The host's auto-logout warning (RFC 727), with the one answer that keeps the session. */
export function AutoLogoutBanner({
  session,
  snapshot,
  onAnswered,
}: {
  session: TelgateSession;
  snapshot: SessionSnapshot;
  /** After the answer (the terminal takes the focus back). */
  onAnswered?: () => void;
}) {
  if (!snapshot.autoLogoutWarning) return null;
  return (
    <div className="banner banner-warning" role="alert" data-testid="auto-logout-banner">
      <span>The host will log you out for inactivity.</span>
      <button
        type="button"
        className="primary"
        data-testid="stay-logged-in"
        onClick={() => {
          session.stayLoggedIn();
          onAnswered?.();
        }}
      >
        Stay logged in
      </button>
    </div>
  );
}

/** Where a Logout stands: asked, done, or refused (then the user may close anyway). */
export function LogoutBanner({
  session,
  snapshot,
  onAnswered,
}: {
  session: TelgateSession;
  snapshot: SessionSnapshot;
  /** After the user chose to keep the session (the terminal takes the focus back). */
  onAnswered?: () => void;
}) {
  const { logout } = snapshot;
  // Once the session has ended, the closed banner says everything.
  if (logout === 'idle' || snapshot.status.phase === 'closed') return null;
  if (logout === 'pending') {
    return (
      <div className="banner" role="status" data-testid="logout-status" data-logout="pending">
        Logging out…
      </div>
    );
  }
  if (logout === 'accepted') {
    return (
      <div className="banner" role="status" data-testid="logout-status" data-logout="accepted">
        Logged out.
      </div>
    );
  }
  const question =
    logout === 'refused'
      ? 'The host refused to log out. Close the session anyway?'
      : 'The host did not answer the logout request. Close the session anyway?';
  return (
    <div className="banner banner-warning" role="alert" data-testid="logout-status" data-logout={logout}>
      <span>{question}</span>
      <button
        type="button"
        className="danger"
        data-testid="logout-close-anyway"
        data-ends-session="true"
        onClick={() => {
          session.dismissLogout();
          session.disconnect();
        }}
      >
        Close anyway
      </button>
      <button
        type="button"
        data-testid="logout-keep"
        onClick={() => {
          session.dismissLogout();
          onAnswered?.();
        }}
      >
        Keep session
      </button>
    </div>
  );
}

/** Warnings that did not end the session (a host breaking the protocol a little, SUPDUP). */
export function Notices({ session, snapshot }: { session: TelgateSession; snapshot: SessionSnapshot }) {
  if (snapshot.notices.length === 0) return null;
  return (
    <ul className="notices" aria-live="polite">
      {snapshot.notices.slice(-3).map(({ id, notice }) => (
        <li
          key={id}
          className="banner banner-info"
          data-testid="notice"
          data-kind={notice.kind}
          {...(notice.kind === 'warning' && { 'data-code': notice.code })}
        >
          <span>{noticeText(notice)}</span>
          <button type="button" aria-label="Dismiss" onClick={() => session.dismissNotice(id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}

function noticeText(notice: Notice): ReactNode {
  switch (notice.kind) {
    case 'warning':
      // Informational notices (GW_INFO_…) read as a plain line; warnings carry their code.
      if (isInformational(notice)) return notice.message;
      return (
        <>
          {notice.message} <code>{notice.code}</code>
        </>
      );
    case 'output-skipped':
      return `This page fell behind, so ${notice.bytes} bytes of output were skipped and the screen was redrawn.`;
    case 'supdup':
      return supdupNoticeText(notice);
    default:
      return null;
  }
}

/**
 * The connection was lost and the page is getting the session back: typing is kept meanwhile (up to a
 * bound, then refused, and said so).
 */
export function ReconnectingBanner({ snapshot }: { snapshot: SessionSnapshot }) {
  if (snapshot.status.phase !== 'reconnecting') return null;
  return (
    <div
      className={`banner ${snapshot.inputRefused ? 'banner-warning' : ''}`}
      role={snapshot.inputRefused ? 'alert' : 'status'}
      data-testid="reconnecting-banner"
      data-attempt={snapshot.status.attempt}
    >
      <span>
        Connection lost. Reconnecting…{' '}
        {snapshot.inputRefused ? (
          <strong data-testid="input-refused">
            Typing is paused: {snapshot.queuedInput} bytes are waiting to be sent and no more are kept.
          </strong>
        ) : snapshot.queuedInput > 0 ? (
          `What you type (${snapshot.queuedInput} bytes so far) is sent once the session is back.`
        ) : (
          'What you type is sent once the session is back.'
        )}
      </span>
    </div>
  );
}

/** The session came back: said briefly, with how long it was away. */
export function ResumedBanner({ session, snapshot }: { session: TelgateSession; snapshot: SessionSnapshot }) {
  const { resumed } = snapshot;
  useEffect(() => {
    if (!resumed) return;
    const timer = setTimeout(() => session.dismissResumed(), RESUMED_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [session, resumed]);
  if (!resumed || snapshot.status.phase !== 'connected') return null;
  return (
    <div
      className={`banner ${resumed.inputLost > 0 ? 'banner-warning' : 'banner-info'}`}
      role="status"
      data-testid="resumed-banner"
      data-away-ms={resumed.awayMs}
    >
      <span>
        Resumed — away {formatAway(resumed.awayMs)}
        {resumed.inputLost > 0
          ? `. ${resumed.inputLost} bytes you typed before the connection was lost did not reach the host.`
          : ''}
      </span>
    </div>
  );
}

/**
 * Others watch this session read-only (a supervisor with a `watch` token): said, in the terminal's
 * corner, as long as they do.
 */
export function ObserversIndicator({ snapshot }: { snapshot: SessionSnapshot }) {
  const count = snapshot.observers ?? 0;
  if (count <= 0 || snapshot.status.phase !== 'connected' || snapshot.watching !== undefined) return null;
  return (
    <div
      className="observers-indicator"
      role="status"
      data-testid="observers-indicator"
      data-count={count}
      title={`${count} ${count === 1 ? 'person watches' : 'people watch'} this session, read-only`}
    >
      <span aria-hidden="true" className="observers-dot" />
      Watched by {count}
    </div>
  );
}

/** This page watches another's session: what, and that nothing typed here reaches the host. */
export function WatchingBar({ snapshot }: { snapshot: SessionSnapshot }) {
  const id = snapshot.watching;
  if (id === undefined) return null;
  const { phase } = snapshot.status;
  const name = snapshot.target ? targetName(snapshot.target, undefined) : `session ${id}`;
  return (
    <div className="watch-bar" role="status" data-testid="watching-banner" data-phase={phase}>
      {phase === 'connected' ? (
        <span>
          Watching <strong>{name}</strong> — read-only
        </span>
      ) : phase === 'closed' ? (
        <span>Not watching {name}</span>
      ) : (
        <span>Connecting to watch {name}…</span>
      )}
    </div>
  );
}

/** Why the session ended, in plain words, and the way back in. */
export function ClosedBanner({
  snapshot,
  onReconnect,
  reconnectLabel = 'Reconnect',
  children,
}: {
  snapshot: SessionSnapshot;
  onReconnect?: () => void;
  reconnectLabel?: string;
  children?: ReactNode;
}) {
  const { status } = snapshot;
  if (status.phase !== 'closed') return null;
  const { ending } = status;
  return (
    <div
      className={`banner ${ending.code ? 'banner-error' : ''} closed-banner`}
      role="alert"
      data-testid="closed-banner"
      data-code={ending.code ?? ''}
    >
      <div className="closed-text">
        <strong data-testid="closed-reason">{ending.message}</strong>
        {ending.detail || ending.code ? (
          <small className="closed-detail">{[ending.code, ending.detail].filter(Boolean).join(' · ')}</small>
        ) : null}
      </div>
      {children}
      {onReconnect ? (
        <button type="button" className="primary" data-testid="reconnect" onClick={onReconnect}>
          {reconnectLabel}
        </button>
      ) : null}
    </div>
  );
}

/** The SUPDUP notice in words: the session speaks SUPDUP, in the size the host was told. */
export function supdupNoticeText(notice: Notice): string {
  const terminal = notice.kind === 'supdup' ? notice.terminal : undefined;
  const size = terminal ? ` (${terminal.cols}×${terminal.rows})` : '';
  return `This session speaks SUPDUP${size}: the Telnet commands do not apply; Logout does.`;
}
