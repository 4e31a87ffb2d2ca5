import type { SessionHandler } from '../sessions/session.js';
import { DEFAULT_TIMINGS, type RelayTimings, TelnetSession } from './telnet-session.js';

export {
  DEFAULT_TIMINGS,
  type RelayTimings,
  type SessionFlowStats,
  TelnetSession,
} from './telnet-session.js';

export interface RelayHooks {
  /** Called with each session as it starts (tests watch its queues). */
  readonly onSessionStart?: (session: TelnetSession) => void;
}

/** The session handler that bridges each accepted WebSocket to its Telnet (or raw TCP) host. */
export function createTelnetRelay(
  timings: Partial<RelayTimings> = {},
  hooks: RelayHooks = {},
): SessionHandler {
  const merged = { ...DEFAULT_TIMINGS, ...timings };
  return (socket, ctx) => {
    const session = new TelnetSession(socket, ctx, merged);
    hooks.onSessionStart?.(session);
    session.start();
  };
}
