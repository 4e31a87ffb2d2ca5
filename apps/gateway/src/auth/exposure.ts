import type { AuthConfig } from '../config/types.js';
import { isLoopbackHost } from '../targets/ip.js';

/**
 * Why this listen address and auth mode must not run together, or undefined if they may. Without
 * tokens, anyone who reaches the port can open Telnet sessions from the gateway's network position,
 * so mode `none` is for loopback unless the operator says otherwise in so many words.
 */
export function authExposureProblem(listenHost: string, auth: AuthConfig): string | undefined {
  if (auth.mode !== 'none' || auth.forceNoneOnPublic || isLoopbackHost(listenHost)) return undefined;
  return (
    `is "none", but the gateway listens on ${listenHost}, which other machines can reach: anyone who ` +
    'can reach it could open Telnet sessions through it. Use mode "token", listen on a loopback address ' +
    '(localhost, 127.0.0.1, ::1), or set security.auth.forceNoneOnPublic: true'
  );
}
