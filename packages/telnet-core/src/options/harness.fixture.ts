import { Cmd, type NegotiationVerb } from '../constants.js';
import { describeCommand } from '../describe.js';
import { encodeSubnegotiation, TelnetEngine } from '../engine.js';
import type { TelnetEvent } from '../events.js';
import type { TelnetEngineOptions } from '../settings.js';

/** An engine with its events recorded; `sent()` describes the commands it sent since the last call. */
export function harness(options: TelnetEngineOptions = {}) {
  let events: TelnetEvent[] = [];
  const engine = new TelnetEngine({ start: 'passive', ...options }, (e) => events.push(e));
  return {
    engine,
    /** Every event since the last `take()`, and forgets them. */
    take(): TelnetEvent[] {
      const out = events;
      events = [];
      return out;
    },
    /** The commands the engine sent since the last `take()`, as `describeCommand` writes them. */
    sent(): string[] {
      return events
        .filter((e) => e.type === 'trace' && e.direction === 'out')
        .map((e) => describeCommand((e as { bytes: Uint8Array }).bytes));
    },
    /** The events other than traces and sends since the last `take()`. */
    reported(): TelnetEvent[] {
      return events.filter((e) => e.type !== 'trace' && e.type !== 'send');
    },
  };
}

export const neg = (verb: NegotiationVerb, opt: number): Uint8Array => Uint8Array.of(Cmd.IAC, verb, opt);

export const sb = (opt: number, ...payload: number[]): Uint8Array => encodeSubnegotiation(opt, payload);

export const ascii = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));
