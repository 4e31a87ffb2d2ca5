import { Cmd, Opt } from '../constants.js';
import type { OptionBehaviour, OptionHandler } from './types.js';

export interface TimingMarkBehaviour extends OptionBehaviour {
  /** Sends DO TIMING-MARK; a `timing-mark` event follows once the peer's answer arrives. */
  request(): void;
}

/**
 * TIMING-MARK (RFC 860) is a one-shot, not a state: every DO TM is answered, and the answers to our
 * DO TM mark the stream.
 */
export const timingMark: OptionHandler = {
  code: Opt.TIMING_MARK,
  policy: {
    client: { local: 'accept', remote: 'accept' },
    server: { local: 'accept', remote: 'accept' },
  },
  oneShot: true,
  attach(ctx): TimingMarkBehaviour {
    const opt = Opt.TIMING_MARK;
    let pending = 0;
    return {
      received(verb) {
        if (verb === Cmd.DO) {
          ctx.sendNegotiation(ctx.support('local', opt) === 'refuse' ? Cmd.WONT : Cmd.WILL, opt);
        } else if (verb === Cmd.WILL || verb === Cmd.WONT) {
          if (pending > 0) {
            pending--;
            ctx.emit({ type: 'timing-mark' });
          } else if (verb === Cmd.WILL) {
            ctx.sendNegotiation(Cmd.DONT, opt);
          }
        }
        return true;
      },
      request() {
        if (ctx.raw) return;
        pending++;
        ctx.sendNegotiation(Cmd.DO, opt);
      },
    };
  },
};
