import { asciiBytes, asciiString } from '../bytes.js';
import { Opt } from '../constants.js';
import { badSubnegotiation } from './shared.js';
import type { OptionContext, OptionHandler } from './types.js';

const REQUEST = 1;
const ACCEPTED = 2;
const REJECTED = 3;
const TTABLE_IS = 4;
const TTABLE_REJECTED = 5;

const TTABLE = asciiBytes('[TTABLE]');

/** Offers character sets (a REQUEST); a `charset` event reports the answer. */
export function requestCharset(ctx: OptionContext, charsets: readonly string[]): void {
  ctx.sendSubnegotiation(Opt.CHARSET, [REQUEST, ...asciiBytes(`;${charsets.join(';')}`)]);
}

/**
 * CHARSET (RFC 2066). Accepts the first set of a REQUEST that is also in `charsets`: the requester lists its
 * sets most preferred first, so its order decides, not ours. Translation tables are always rejected.
 */
export const charset: OptionHandler = {
  code: Opt.CHARSET,
  policy: {
    client: { local: 'accept', remote: 'accept' },
    server: { local: 'accept', remote: 'accept' },
  },
  subcommands: [
    '',
    'REQUEST',
    'ACCEPTED',
    'REJECTED',
    'TTABLE-IS',
    'TTABLE-REJECTED',
    'TTABLE-ACK',
    'TTABLE-NAK',
  ],
  attach(ctx) {
    const wanted = (ctx.options.charsets ?? ['UTF-8']).map((c) => c.toUpperCase());
    return {
      subnegotiation(data) {
        switch (data[0]) {
          case REQUEST: {
            let p = 1;
            // An optional "[TTABLE]" marker and version byte precede the list; we never use translation tables.
            if (data.length >= p + TTABLE.length && TTABLE.every((c, k) => data[p + k] === c))
              p += TTABLE.length + 1;
            if (p >= data.length) {
              badSubnegotiation(ctx, Opt.CHARSET);
              ctx.sendSubnegotiation(Opt.CHARSET, [REJECTED]);
              return;
            }
            const sep = data[p]!;
            const offered = asciiString(data, p + 1)
              .split(String.fromCharCode(sep))
              .filter((s) => s.length > 0);
            const pick = offered.find((c) => wanted.includes(c.toUpperCase()));
            if (pick === undefined) {
              ctx.sendSubnegotiation(Opt.CHARSET, [REJECTED]);
            } else {
              ctx.sendSubnegotiation(Opt.CHARSET, [ACCEPTED, ...asciiBytes(pick)]);
              ctx.emit({ type: 'charset', charset: pick });
            }
            break;
          }
          case ACCEPTED:
            ctx.emit({ type: 'charset', charset: asciiString(data, 1) });
            break;
          case REJECTED:
            ctx.emit({ type: 'charset', charset: undefined });
            break;
          case TTABLE_IS:
            ctx.sendSubnegotiation(Opt.CHARSET, [TTABLE_REJECTED]);
            break;
          default:
            badSubnegotiation(ctx, Opt.CHARSET);
        }
      },
    };
  },
};
