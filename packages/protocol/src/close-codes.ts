/**
 * Stable gateway error codes and the WebSocket close codes that carry them.
 *
 * Each error has a fixed close code in the private-use range 4000–4999 (RFC 6455 §7.4.2), except
 * "frame too large", which reuses the standard 1009 because the WebSocket library itself closes with
 * 1009 when a message exceeds its size limit. The close frame's reason is the error's name
 * (e.g. `GW_ERR_HOST_REFUSED`), which always fits the 123-byte limit on close reasons.
 */

/** A normal close: the user closed the terminal, or the page went away. */
export const NORMAL_CLOSURE = 1000;

export interface GatewayErrorInfo {
  /** The WebSocket close code the gateway closes with for this error. */
  readonly closeCode: number;
  /** What happened and what the user can do about it, in plain words. */
  readonly message: string;
}

export const GATEWAY_ERRORS = {
  GW_ERR_TARGET_DENIED: {
    closeCode: 4001,
    message:
      'This gateway is not allowed to connect to that host. Ask the gateway operator to add it to the allowed targets.',
  },
  GW_ERR_AUTH_FAILED: {
    closeCode: 4002,
    message:
      'The access token is missing, invalid, expired, or was issued for a different target. Reload the page that opened this terminal to get a fresh one.',
  },
  GW_ERR_HOST_UNREACHABLE: {
    closeCode: 4003,
    message: 'The host cannot be reached over the network. Check the address, or try again later.',
  },
  GW_ERR_HOST_REFUSED: {
    closeCode: 4004,
    message:
      'The host refused the connection: nothing is listening on that port. Check the port number, or try again later.',
  },
  GW_ERR_DNS_FAILURE: {
    closeCode: 4005,
    message: 'The host name could not be found. Check its spelling.',
  },
  GW_ERR_TIMEOUT: {
    closeCode: 4006,
    message: 'The host did not answer in time. It may be down or behind a firewall; try again later.',
  },
  GW_ERR_HOST_CLOSED: {
    closeCode: 4007,
    message: 'The host closed the connection. Reconnect to start a new session.',
  },
  GW_ERR_PROTOCOL: {
    closeCode: 4008,
    message:
      'The host broke the Telnet protocol, so the gateway disconnected. Tell the host’s administrator if this keeps happening.',
  },
  GW_ERR_IDLE_TIMEOUT: {
    closeCode: 4009,
    message: 'The session was closed after a period without activity. Reconnect to continue.',
  },
  GW_ERR_OVERLOADED: {
    closeCode: 4010,
    message: 'The gateway is busy (too many sessions or connection attempts). Wait a moment and try again.',
  },
  GW_ERR_BAD_FRAME: {
    closeCode: 4011,
    message:
      'The gateway received a message it does not understand. Reload the page; if it keeps happening, the page and the gateway may be different versions.',
  },
  GW_ERR_UNKNOWN_TARGET: {
    closeCode: 4012,
    message:
      'No target by that name is configured on this gateway. Check the link, or pick a target from the list.',
  },
  GW_ERR_LOGGED_OUT: {
    closeCode: 4013,
    message: 'You logged out, and the session has ended. Reconnect to log in again.',
  },
  GW_ERR_INTERNAL: {
    closeCode: 4014,
    message:
      'The gateway hit an unexpected error. Try again; if it keeps happening, tell the gateway operator.',
  },
  GW_ERR_HOST_RESET: {
    closeCode: 4015,
    message: 'The connection to the host was cut off abruptly. Reconnect to try again.',
  },
  GW_ERR_SHUTDOWN: {
    closeCode: 4016,
    message: 'The gateway is shutting down for maintenance. Reconnect in a moment.',
  },
  GW_ERR_SLOW_CLIENT: {
    closeCode: 4017,
    message:
      'This browser stopped taking output for too long, so the session was closed. Check the network, then reconnect.',
  },
  GW_ERR_CLIENT_GONE: {
    closeCode: 4018,
    message: 'The browser stopped answering the gateway, so the session was closed. Reconnect to continue.',
  },
  GW_ERR_HOST_ABUSE: {
    closeCode: 4019,
    message:
      'The host sent Telnet commands no well-behaved host sends (an endless negotiation or an oversized message), so the gateway disconnected. Tell the host’s administrator.',
  },
  GW_ERR_TOKEN_EXPIRED: {
    closeCode: 4020,
    message: 'The access token has expired. Reload the page that opened this terminal to get a fresh one.',
  },
  GW_ERR_TAKEN_OVER: {
    closeCode: 4021,
    message:
      'This session was opened in another window or tab, so it was closed here. Reload to take it back.',
  },
  GW_ERR_RESUME_FAILED: {
    closeCode: 4022,
    message: 'The session could not be resumed: it has ended or the link is no longer valid.',
  },
  GW_ERR_BAD_CHARSET: {
    closeCode: 4023,
    message:
      'The gateway does not know the character set chosen for this host. Pick another one (UTF-8, CP437, ISO-8859-1…) and connect again.',
  },
  GW_ERR_LIMITS_OFFLINE: {
    closeCode: 4024,
    message:
      'The gateway cannot check its shared session limits just now, so it opens no new sessions. Try again in a moment.',
  },
  GW_ERR_WATCH_REFUSED: {
    closeCode: 4025,
    message:
      'This session cannot be watched: it has ended, it is on another gateway or another target, or the token does not allow watching it.',
  },
  GW_ERR_FRAME_TOO_LARGE: {
    closeCode: 1009,
    message: 'A message was larger than the gateway accepts. Paste less text at a time.',
  },
} as const satisfies Record<`GW_ERR_${string}`, GatewayErrorInfo>;

/** The name of a gateway error, e.g. `GW_ERR_HOST_REFUSED`. */
export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

const codeByCloseCode = new Map<number, GatewayErrorCode>(
  (Object.keys(GATEWAY_ERRORS) as GatewayErrorCode[]).map((code) => [GATEWAY_ERRORS[code].closeCode, code]),
);

/** Whether `value` names a gateway error (safe on any input, e.g. a field of decoded JSON). */
export function isGatewayErrorCode(value: unknown): value is GatewayErrorCode {
  return typeof value === 'string' && Object.hasOwn(GATEWAY_ERRORS, value);
}

/** The WebSocket close code for a gateway error. */
export function closeCodeFor(code: GatewayErrorCode): number {
  return GATEWAY_ERRORS[code].closeCode;
}

/** The gateway error a close code stands for, or undefined for any other code (including 1000). */
export function errorForCloseCode(
  closeCode: number,
): { code: GatewayErrorCode; closeCode: number; message: string } | undefined {
  const code = codeByCloseCode.get(closeCode);
  return code === undefined ? undefined : { code, ...GATEWAY_ERRORS[code] };
}
