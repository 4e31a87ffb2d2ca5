/** Stable codes for every failure this package reports, so callers can branch on them. */
export type PeerErrorCode =
  /** A server binary (or the telnetd applet of busybox) is not installed. */
  | 'PEER_ERR_MISSING_BINARY'
  /** A path cannot be passed safely to a server's command line. */
  | 'PEER_ERR_UNSAFE_PATH'
  /** The server process exited before it listened. */
  | 'PEER_ERR_SERVER_EXITED'
  /** The server did not listen within the allowed time. */
  | 'PEER_ERR_START_TIMEOUT'
  /** Creating the login test user needs root. */
  | 'PEER_ERR_NOT_ROOT'
  /** A system command the harness relies on failed. */
  | 'PEER_ERR_COMMAND_FAILED'
  /** Bytes awaited from a peer did not arrive in time. */
  | 'PEER_ERR_READ_TIMEOUT'
  /** The connection closed before the awaited bytes arrived. */
  | 'PEER_ERR_CLOSED'
  /** A second read was started while one was still pending on the same stream. */
  | 'PEER_ERR_CONCURRENT_READ'
  /** An argument is out of range. */
  | 'PEER_ERR_INVALID_ARGUMENT';

export class PeerError extends Error {
  override readonly name = 'PeerError';

  constructor(
    readonly code: PeerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
  }
}

/** The hint every "not installed" error ends with. */
export const INSTALL_HINT = 'run scripts/system-deps.sh (as root) to install the test servers';
