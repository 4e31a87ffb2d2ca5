import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { harness, neg } from './harness.fixture.js';

describe('SUPDUP handler', () => {
  it('is refused by default; once agreed, every byte is data', () => {
    const refused = harness();
    refused.engine.receive(neg(Cmd.WILL, Opt.SUPDUP));
    expect(refused.sent()).toEqual(['DONT SUPDUP']);

    const h = harness({ policy: { [Opt.SUPDUP]: { remote: 'accept' } } });
    h.engine.receive(neg(Cmd.WILL, Opt.SUPDUP));
    expect(h.engine.isRaw).toBe(true);
    expect(h.reported().at(-1)).toEqual({ type: 'mode', mode: 'supdup' });
    h.take();
    h.engine.receive(Uint8Array.of(Cmd.IAC, Cmd.DO, 1));
    expect(h.reported()).toEqual([{ type: 'data', data: Uint8Array.of(Cmd.IAC, Cmd.DO, 1) }]);
  });
});
