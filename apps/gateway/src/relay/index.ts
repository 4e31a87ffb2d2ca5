import type { SessionHandler } from '../sessions/session.js';
import { DEFAULT_TIMINGS, type RelayTimings, TelnetSession } from './telnet-session.js';

export { DEFAULT_TIMINGS, type RelayTimings, TelnetSession } from './telnet-session.js';

/** The session handler that bridges each accepted WebSocket to its Telnet (or raw TCP) host. */
export function createTelnetRelay(timings: Partial<RelayTimings> = {}): SessionHandler {
  const merged = { ...DEFAULT_TIMINGS, ...timings };
  return (socket, ctx) => {
    new TelnetSession(socket, ctx, merged).start();
  };
}
