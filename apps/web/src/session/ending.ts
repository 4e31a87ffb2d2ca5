import { errorForCloseCode, GATEWAY_ERRORS, type GatewayErrorCode, NORMAL_CLOSURE } from '@telgate/protocol';

/**
 * Problems the page detects itself, beside the gateway's GW_ERR_… codes. They carry stable codes too,
 * so embedding pages and tests can rely on them.
 */
export const PAGE_ERRORS = {
  /** The WebSocket closed before it ever opened: gateway down, wrong address, or origin refused. */
  WEB_ERR_GATEWAY_UNREACHABLE:
    'The gateway could not be reached. Check your network connection, or try again in a moment.',
  /** The WebSocket closed without a gateway error code (network drop, proxy timeout). */
  WEB_ERR_CONNECTION_LOST: 'The connection to the gateway was lost. Reconnect to start a new session.',
  /** The gateway closed with 1001 "going away": it is restarting or shutting down. */
  WEB_ERR_GATEWAY_SHUTDOWN: 'The gateway is restarting or shutting down. Reconnect in a moment.',
  /** The gateway did not select the telgate.v1 subprotocol. */
  WEB_ERR_SUBPROTOCOL:
    'The gateway does not speak the protocol version this page uses. Reload the page; if it keeps happening, the page and the gateway may be different versions.',
  /** A frame from the gateway did not decode. */
  WEB_ERR_BAD_FRAME:
    'The page received a message from the gateway it does not understand. Reload the page; if it keeps happening, the page and the gateway may be different versions.',
} as const;

export type PageErrorCode = keyof typeof PAGE_ERRORS;

/**
 * How a telgate.v2 session that outlived its socket ends for this tab: the gateway's codes, in the
 * page's own words (what the user can do here).
 */
export const RESUME_ERRORS = {
  /** Another tab or window presented this session's credential and has the session now. */
  GW_ERR_TAKEN_OVER: {
    closeCode: GATEWAY_ERRORS.GW_ERR_TAKEN_OVER.closeCode,
    message: 'This session was taken over by another tab or window.',
  },
  /** The session ended (or its grace time ran out) while this tab was away, or the credential was refused. */
  GW_ERR_RESUME_FAILED: {
    closeCode: GATEWAY_ERRORS.GW_ERR_RESUME_FAILED.closeCode,
    message: 'Session ended while you were away. Reconnect to start a new session.',
  },
} as const satisfies Partial<Record<GatewayErrorCode, { closeCode: number; message: string }>>;

export type ResumeErrorCode = keyof typeof RESUME_ERRORS;

/** The resume error a close code stands for, if any. */
export function resumeErrorForCloseCode(closeCode: number | undefined): ResumeErrorCode | undefined {
  if (closeCode === RESUME_ERRORS.GW_ERR_TAKEN_OVER.closeCode) return 'GW_ERR_TAKEN_OVER';
  if (closeCode === RESUME_ERRORS.GW_ERR_RESUME_FAILED.closeCode) return 'GW_ERR_RESUME_FAILED';
  return undefined;
}

function isResumeErrorCode(code: string | undefined): code is ResumeErrorCode {
  return code !== undefined && Object.hasOwn(RESUME_ERRORS, code);
}

/** The ending for a resume error; `closeCode` when the gateway's close said so. */
export function resumeEnding(code: ResumeErrorCode, closeCode?: number): SessionEnding {
  return {
    code,
    message: RESUME_ERRORS[code].message,
    ...(closeCode === undefined ? {} : { closeCode }),
    byUser: false,
  };
}

/** Why a session ended, in plain words for the user and with a stable code for programs. */
export interface SessionEnding {
  /** A GW_ERR_… or WEB_ERR_… code; absent when the session ended normally. */
  readonly code?: GatewayErrorCode | PageErrorCode | ResumeErrorCode;
  /** What happened and what the user can do about it. */
  readonly message: string;
  /** Technical details (the system error, the malformed frame), for the curious and for bug reports. */
  readonly detail?: string;
  /** The WebSocket close code, once the socket has closed. */
  readonly closeCode?: number;
  /** The user (or the embedding page) ended the session. */
  readonly byUser: boolean;
}

const GATEWAY_GOING_AWAY = 1001;

/** What the page knows when a session ends. */
export interface EndingFacts {
  /** From the gateway's STATE closed frame, when one arrived. */
  readonly stateCode?: GatewayErrorCode;
  readonly stateReason?: string;
  /** Whether a STATE closed frame arrived (possibly without a code: a normal close). */
  readonly stateClosed?: boolean;
  /** From the WebSocket close event, when the socket has closed. */
  readonly closeCode?: number;
  /** Whether the socket ever opened. */
  readonly opened: boolean;
}

/**
 * Explains why a session ended. The gateway's STATE frame is the best source (it carries details); the
 * close code is enough on its own; anything else is the network or the gateway going away.
 */
export function describeEnding(facts: EndingFacts): SessionEnding {
  const closeCode = facts.closeCode === undefined ? {} : { closeCode: facts.closeCode };
  const resumeCode = isResumeErrorCode(facts.stateCode)
    ? facts.stateCode
    : facts.stateCode === undefined
      ? resumeErrorForCloseCode(facts.closeCode)
      : undefined;
  if (resumeCode !== undefined) {
    return {
      ...resumeEnding(resumeCode, facts.closeCode),
      ...(facts.stateReason ? { detail: facts.stateReason } : {}),
    };
  }
  const fromState = facts.stateCode;
  const fromClose = facts.closeCode === undefined ? undefined : errorForCloseCode(facts.closeCode)?.code;
  const code = fromState ?? fromClose;
  if (code !== undefined) {
    return {
      code,
      message: GATEWAY_ERRORS[code].message,
      ...(facts.stateReason ? { detail: facts.stateReason } : {}),
      ...closeCode,
      byUser: false,
    };
  }
  if (facts.stateClosed || facts.closeCode === NORMAL_CLOSURE) {
    return { message: 'The session has ended.', ...closeCode, byUser: false };
  }
  if (!facts.opened) {
    return pageError('WEB_ERR_GATEWAY_UNREACHABLE', closeCodeDetail(facts.closeCode), facts.closeCode);
  }
  if (facts.closeCode === GATEWAY_GOING_AWAY) {
    return pageError('WEB_ERR_GATEWAY_SHUTDOWN', undefined, facts.closeCode);
  }
  return pageError('WEB_ERR_CONNECTION_LOST', closeCodeDetail(facts.closeCode), facts.closeCode);
}

/** A problem the page found itself. */
export function pageError(code: PageErrorCode, detail?: string, closeCode?: number): SessionEnding {
  return {
    code,
    message: PAGE_ERRORS[code],
    ...(detail ? { detail } : {}),
    ...(closeCode === undefined ? {} : { closeCode }),
    byUser: false,
  };
}

/**
 * Whether a page that reconnects by itself (the kiosk) should try again after `ending`: not when another
 * tab or window took the session over, as that would only take it back from there.
 */
export function retryAfter(ending: SessionEnding): boolean {
  return ending.code !== 'GW_ERR_TAKEN_OVER';
}

/** The ending when the user closes the session. */
export const CLOSED_BY_USER: SessionEnding = { message: 'You closed the session.', byUser: true };

function closeCodeDetail(closeCode: number | undefined): string | undefined {
  return closeCode === undefined ? undefined : `WebSocket close code ${closeCode}`;
}
