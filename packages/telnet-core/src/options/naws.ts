import { Opt } from '../constants.js';
import { bytesText } from './format.js';
import { badSubnegotiation } from './shared.js';
import type { OptionBehaviour, OptionHandler } from './types.js';

export interface NawsBehaviour extends OptionBehaviour {
  /** Records the window size and sends it when our NAWS is enabled (never before the peer's DO NAWS). */
  setWindowSize(cols: number, rows: number): void;
}

/** NAWS (RFC 1073). Client: sends the window size once enabled and on every change. Server: `window-size` events. */
export const naws: OptionHandler = {
  code: Opt.NAWS,
  policy: {
    client: { local: 'request', remote: 'refuse' },
    server: { local: 'refuse', remote: 'request' },
  },
  describe: (data) =>
    data.length === 4 ? `${(data[0]! << 8) | data[1]!} ${(data[2]! << 8) | data[3]!}` : bytesText(data),
  attach(ctx): NawsBehaviour {
    const initial = ctx.options.windowSize;
    let size = initial ? { cols: initial.cols, rows: initial.rows } : undefined;
    const send = (s: { cols: number; rows: number }) =>
      ctx.sendSubnegotiation(Opt.NAWS, [s.cols >> 8, s.cols & 0xff, s.rows >> 8, s.rows & 0xff]);
    return {
      changed(side, enabled) {
        if (enabled && side === 'local' && size) send(size);
      },
      subnegotiation(data, _localOn, remoteOn) {
        if (remoteOn && data.length === 4) {
          ctx.emit({
            type: 'window-size',
            cols: (data[0]! << 8) | data[1]!,
            rows: (data[2]! << 8) | data[3]!,
          });
        } else {
          badSubnegotiation(ctx, Opt.NAWS);
        }
      },
      setWindowSize(cols, rows) {
        const c = Math.max(0, Math.min(0xffff, Math.trunc(cols)));
        const r = Math.max(0, Math.min(0xffff, Math.trunc(rows)));
        if (size && size.cols === c && size.rows === r) return;
        size = { cols: c, rows: r };
        if (ctx.isEnabled('local', Opt.NAWS)) send(size);
      },
    };
  },
};
