import type { OptionPolicy } from '../settings.js';
import { BUILTIN_OPTIONS } from './index.js';
import type { OptionHandler } from './types.js';

function tableOf(list: readonly OptionHandler[]): (OptionHandler | undefined)[] {
  const table: (OptionHandler | undefined)[] = new Array(256).fill(undefined);
  for (const h of list) table[h.code] = h;
  return table;
}

/**
 * The handler of each option code, the built-in ones to begin with; an option without one is negotiated by
 * the Q method alone.
 */
const handlers = tableOf(BUILTIN_OPTIONS);

/**
 * Registers the handler of an option (replacing any earlier one). Engines created afterwards use it.
 * Returns a function that puts the previous handler back.
 */
export function registerOption(handler: OptionHandler): () => void {
  const code = handler.code;
  if (!(Number.isInteger(code) && code >= 0 && code <= 255)) throw new RangeError(`bad option code ${code}`);
  const previous = handlers[code];
  handlers[code] = handler;
  return () => {
    if (handlers[code] === handler) handlers[code] = previous;
  };
}

/** The handler registered for an option code, if any. */
export function optionHandler(code: number): OptionHandler | undefined {
  return handlers[code];
}

/** Every registered handler, by ascending option code. */
export function optionHandlers(): OptionHandler[] {
  return handlers.filter((h): h is OptionHandler => h !== undefined);
}

/** The default policy of a role, from the registered handlers. */
export function defaultPolicy(role: 'client' | 'server'): Record<number, OptionPolicy> {
  const out: Record<number, OptionPolicy> = {};
  for (const h of optionHandlers()) {
    const p = h.policy?.[role];
    if (p) out[h.code] = { local: p.local, remote: p.remote };
  }
  return out;
}

/**
 * The words of an option's subnegotiation, by name (`IS`, `SEND`, `VAR`…; `-` in a name reads as `_`):
 * what the transcript notation accepts after `SB <option>`.
 */
export function subnegotiationWords(code: number): Record<string, number> {
  const h = handlers[code];
  const out: Record<string, number> = {};
  h?.subcommands?.forEach((name, value) => {
    if (name !== '') out[name.replace(/-/g, '_')] = value;
  });
  for (const [name, value] of Object.entries(h?.words ?? {})) out[name.replace(/-/g, '_')] = value;
  return out;
}
