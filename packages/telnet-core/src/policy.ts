import { Opt } from './constants.js';

/**
 * What this end does with one side of an option:
 * - `refuse`: never enable it (answer requests with DONT/WONT).
 * - `accept`: agree when the peer asks.
 * - `request`: agree when asked, and ask for it ourselves when the connection starts (active start).
 */
export type OptionSupport = 'refuse' | 'accept' | 'request';

export interface OptionPolicy {
  /** Us: may we enable it (WILL)? */
  local: OptionSupport;
  /** The peer: may the peer enable it (DO)? */
  remote: OptionSupport;
}

/** Per-option policy; options not listed are refused on both sides. */
export type PolicyTable = Readonly<Record<number, Readonly<Partial<OptionPolicy>>>>;

/**
 * The user (client) side, as a terminal on a remote host. Active start offers WILL TTYPE, WILL NAWS,
 * DO SGA, WILL SGA and DO ECHO.
 */
export const CLIENT_POLICY: PolicyTable = {
  [Opt.BINARY]: { local: 'accept', remote: 'accept' },
  // A host that asks us to echo would get its own output echoed back: refuse DO ECHO, accept WILL ECHO.
  [Opt.ECHO]: { local: 'refuse', remote: 'request' },
  // RFC 1123 §3.2.2: a client must be able to run with SGA on both sides.
  [Opt.SGA]: { local: 'request', remote: 'request' },
  [Opt.STATUS]: { local: 'accept', remote: 'accept' },
  [Opt.TIMING_MARK]: { local: 'accept', remote: 'accept' },
  // RFC 727: we ask the host to log out (DO); a host asking us to log out means nothing for a terminal.
  [Opt.LOGOUT]: { local: 'refuse', remote: 'accept' },
  // SUPDUP replaces Telnet entirely; only a target configured for it accepts.
  [Opt.SUPDUP]: { local: 'refuse', remote: 'refuse' },
  [Opt.TTYPE]: { local: 'request', remote: 'refuse' },
  [Opt.EOR]: { local: 'accept', remote: 'accept' },
  [Opt.NAWS]: { local: 'request', remote: 'refuse' },
  [Opt.TSPEED]: { local: 'accept', remote: 'refuse' },
  [Opt.NEW_ENVIRON]: { local: 'accept', remote: 'refuse' },
  [Opt.CHARSET]: { local: 'accept', remote: 'accept' },
};

/** The host (server) side: the demo host and scripted test hosts. */
export const SERVER_POLICY: PolicyTable = {
  [Opt.BINARY]: { local: 'accept', remote: 'accept' },
  [Opt.ECHO]: { local: 'request', remote: 'refuse' },
  [Opt.SGA]: { local: 'request', remote: 'request' },
  [Opt.STATUS]: { local: 'accept', remote: 'accept' },
  [Opt.TIMING_MARK]: { local: 'accept', remote: 'accept' },
  [Opt.LOGOUT]: { local: 'accept', remote: 'refuse' },
  [Opt.SUPDUP]: { local: 'refuse', remote: 'refuse' },
  [Opt.TTYPE]: { local: 'refuse', remote: 'request' },
  [Opt.EOR]: { local: 'accept', remote: 'accept' },
  [Opt.NAWS]: { local: 'refuse', remote: 'request' },
  [Opt.TSPEED]: { local: 'refuse', remote: 'accept' },
  [Opt.NEW_ENVIRON]: { local: 'refuse', remote: 'request' },
  [Opt.CHARSET]: { local: 'accept', remote: 'accept' },
};

/** Merges per-option overrides over a base table (an override of one side keeps the other side). */
export function mergePolicy(base: PolicyTable, overrides: PolicyTable | undefined): PolicyTable {
  if (!overrides) return base;
  const out: Record<number, Partial<OptionPolicy>> = {};
  for (const [k, v] of Object.entries(base)) out[Number(k)] = { ...v };
  for (const [k, v] of Object.entries(overrides)) out[Number(k)] = { ...out[Number(k)], ...v };
  return out;
}
