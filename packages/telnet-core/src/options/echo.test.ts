import { describe, expect, it } from 'vitest';
import { Cmd, Opt } from '../constants.js';
import { harness, neg } from './harness.fixture.js';

describe('ECHO handler', () => {
  it('lets the host echo but never echoes for it (client); echoes as a server', () => {
    const client = harness();
    client.engine.receive(neg(Cmd.WILL, Opt.ECHO));
    client.engine.receive(neg(Cmd.DO, Opt.ECHO));
    expect(client.sent()).toEqual(['DO ECHO', 'WONT ECHO']);
    const server = harness({ role: 'server', start: 'active' });
    server.engine.start();
    expect(server.sent()).toContain('WILL ECHO');
  });
});
