import { defaultPolicy } from './options/registry.js';

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
 * DO SGA, WILL SGA and DO ECHO. Each option's default is set in its handler (`src/options/`).
 */
export const CLIENT_POLICY: PolicyTable = defaultPolicy('client');

/** The host (server) side: the demo host and scripted test hosts. */
export const SERVER_POLICY: PolicyTable = defaultPolicy('server');

/** Merges per-option overrides over a base table (an override of one side keeps the other side). */
export function mergePolicy(base: PolicyTable, overrides: PolicyTable | undefined): PolicyTable {
  if (!overrides) return base;
  const out: Record<number, Partial<OptionPolicy>> = {};
  for (const [k, v] of Object.entries(base)) out[Number(k)] = { ...v };
  for (const [k, v] of Object.entries(overrides)) out[Number(k)] = { ...out[Number(k)], ...v };
  return out;
}
