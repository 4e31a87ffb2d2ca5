import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { ascii, harness, neg, sb } from './harness.fixture.js';

describe('CHARSET handler', () => {
  it('accepts the first offered set it knows, rejects the rest and every translation table', () => {
    const h = harness({ charsets: ['utf-8', 'KOI8-R'] });
    h.engine.receive(neg(Cmd.DO, Opt.CHARSET));
    h.take();
    h.engine.receive(sb(Opt.CHARSET, 1, ...ascii(';ISO-8859-1;KOI8-R;UTF-8')));
    h.engine.receive(sb(Opt.CHARSET, 1, ...ascii(' EBCDIC')));
    h.engine.receive(sb(Opt.CHARSET, 4, 1));
    expect(h.sent()).toEqual([
      'SB CHARSET ACCEPTED "KOI8-R"',
      'SB CHARSET REJECTED',
      'SB CHARSET TTABLE-REJECTED',
    ]);
    expect(h.reported().filter((e) => e.type === 'charset')).toEqual([
      { type: 'charset', charset: 'KOI8-R' },
    ]);
  });

  it('reports the answer to our request', () => {
    const h = harness();
    h.engine.receive(neg(Cmd.WILL, Opt.CHARSET));
    h.engine.requestCharset(['UTF-8']);
    h.engine.receive(sb(Opt.CHARSET, 3));
    expect(h.sent()).toEqual(['DO CHARSET', 'SB CHARSET REQUEST ";UTF-8"']);
    expect(h.reported().at(-1)).toEqual({ type: 'charset', charset: undefined });
  });
});
