import { defaultPolicy } from './options/registry.js';
import type { OptionPolicy, PolicyTable } from './settings.js';

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
