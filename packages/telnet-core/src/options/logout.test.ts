import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { harness, neg } from './harness.fixture.js';

describe('LOGOUT handler', () => {
  it('reports the answer to our DO LOGOUT', () => {
    const h = harness();
    expect(h.engine.requestLogout()).toBe(true);
    h.engine.receive(neg(Cmd.WILL, Opt.LOGOUT));
    expect(h.sent()).toEqual(['DO LOGOUT']);
    expect(h.reported()).toEqual([
      { type: 'option', side: 'remote', option: Opt.LOGOUT, enabled: true },
      { type: 'logout', result: 'accepted' },
    ]);
    const refused = harness();
    refused.engine.requestLogout();
    refused.engine.receive(neg(Cmd.WONT, Opt.LOGOUT));
    expect(refused.reported()).toEqual([
      { type: 'option-refused', side: 'remote', option: Opt.LOGOUT },
      { type: 'logout', result: 'refused' },
    ]);
  });

  it('leaves an unrequested WILL LOGOUT to the user, and forgets it on WONT', () => {
    const h = harness();
    h.engine.receive(neg(Cmd.WILL, Opt.LOGOUT));
    expect(h.sent()).toEqual([]);
    expect(h.reported()).toEqual([{ type: 'logout-warning' }]);
    h.take();
    expect(h.engine.answerAutoLogout(false)).toBe(true);
    expect(h.sent()).toEqual(['DONT LOGOUT']);
    h.take();
    h.engine.receive(neg(Cmd.WILL, Opt.LOGOUT));
    h.engine.receive(neg(Cmd.WONT, Opt.LOGOUT));
    h.take();
    expect(h.engine.answerAutoLogout(true)).toBe(false);
    expect(h.reported()).toEqual([expect.objectContaining({ code: 'TELNET_ERR_BAD_REQUEST' })]);
  });
});
