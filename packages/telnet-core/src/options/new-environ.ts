import { Opt } from '../constants.js';
import { decodeEnviron, EnvironCmd, encodeEnvironIs, environKind } from '../environ.js';
import { bytesText, quoted } from './format.js';
import { badSubnegotiation } from './shared.js';
import type { OptionContext, OptionHandler } from './types.js';

const IS = 0;
const SEND = 1;
const INFO = 2;
const SUBCOMMANDS = ['IS', 'SEND', 'INFO'] as const;

/** Server side: asks the peer for its environment (all variables). */
export function requestEnviron(ctx: OptionContext): void {
  ctx.sendSubnegotiation(Opt.NEW_ENVIRON, [SEND]);
}

/** `IS VAR "USER" VALUE "bob" USERVAR "X"`: the environment options' payloads, for traces. */
export function describeEnviron(data: Uint8Array): string {
  const sub = SUBCOMMANDS[data[0]!];
  if (!sub) return bytesText(data);
  const vars = decodeEnviron(data.subarray(1)).map(
    (v) =>
      `${v.kind.toUpperCase()} ${quoted(v.name)}${v.value === undefined ? '' : ` VALUE ${quoted(v.value)}`}`,
  );
  return [sub, ...vars].join(' ');
}

/**
 * NEW-ENVIRON (RFC 1572). Client: discloses only the configured `environ` variables, those asked for (an empty
 * list asks for all; a VAR or USERVAR with no name for all of that kind). Server: `environ` events.
 */
export const newEnviron: OptionHandler = {
  code: Opt.NEW_ENVIRON,
  policy: {
    client: { local: 'accept', remote: 'refuse' },
    server: { local: 'refuse', remote: 'request' },
  },
  subcommands: SUBCOMMANDS,
  words: EnvironCmd,
  describe: describeEnviron,
  attach(ctx) {
    const environ = ctx.options.environ ?? {};
    return {
      subnegotiation(data, localOn, remoteOn) {
        const cmd = data[0];
        if (cmd === SEND && localOn) {
          const requested = decodeEnviron(data.subarray(1));
          const all = requested.length === 0;
          const allOf = new Set(requested.filter((v) => v.name === '').map((v) => v.kind));
          const named = new Set(requested.map((v) => v.name));
          const vars = Object.entries(environ).filter(
            ([name]) => all || named.has(name) || allOf.has(environKind(name)),
          );
          ctx.sendSubnegotiation(Opt.NEW_ENVIRON, encodeEnvironIs(vars));
        } else if ((cmd === IS || cmd === INFO) && remoteOn) {
          ctx.emit({
            type: 'environ',
            kind: cmd === IS ? 'is' : 'info',
            vars: decodeEnviron(data.subarray(1)),
          });
        } else {
          badSubnegotiation(ctx, Opt.NEW_ENVIRON);
        }
      },
    };
  },
};
