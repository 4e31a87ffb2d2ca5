import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { describeCommand } from '../describe.js';
import { harness, neg, sb } from './harness.fixture.js';

describe('NAWS handler', () => {
  it('sends the size once the peer says DO NAWS, then on every change only', () => {
    const h = harness({ windowSize: { cols: 80, rows: 24 } });
    h.engine.setWindowSize(100, 30);
    expect(h.sent()).toEqual([]);
    h.engine.receive(neg(Cmd.DO, Opt.NAWS));
    h.engine.setWindowSize(100, 30);
    h.engine.setWindowSize(70000, -3);
    expect(h.sent()).toEqual(['WILL NAWS', 'SB NAWS 100 30', 'SB NAWS 65535 0']);
  });

  it('reports the peer’s size (server) and rejects a malformed one', () => {
    const h = harness({ role: 'server' });
    h.engine.receive(neg(Cmd.WILL, Opt.NAWS));
    h.take();
    h.engine.receive(sb(Opt.NAWS, 0, 132, 0, 43));
    h.engine.receive(sb(Opt.NAWS, 0, 132));
    expect(h.reported().filter((e) => e.type !== 'subnegotiation')).toEqual([
      { type: 'window-size', cols: 132, rows: 43 },
      expect.objectContaining({ code: 'TELNET_ERR_BAD_SUBNEGOTIATION' }),
    ]);
  });

  it('describes the size as two numbers', () => {
    expect(describeCommand(sb(Opt.NAWS, 1, 0, 0, 50))).toBe('SB NAWS 256 50');
    expect(describeCommand(sb(Opt.NAWS, 1, 0))).toBe('SB NAWS 01 00');
  });
});
