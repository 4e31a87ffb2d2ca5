import { describe, expect, it } from 'vitest';
import { HostAbuseGuard } from './host-abuse.js';

function guard() {
  const abuse: string[] = [];
  const g = new HostAbuseGuard({
    maxDiscardedSubnegotiationBytes: 1000,
    maxViolationsPerSecond: 3,
    onAbuse: (detail) => abuse.push(detail),
  });
  return { g, abuse };
}

describe('HostAbuseGuard', () => {
  it('reports a subnegotiation running on past its cap, once', () => {
    const { g, abuse } = guard();
    g.warning('TELNET_ERR_SB_OVERFLOW');
    g.afterChunk(600);
    g.afterChunk(600);
    g.afterChunk(600);
    expect(abuse).toHaveLength(1);
  });

  it('lets an oversized subnegotiation that ends go', () => {
    const { g, abuse } = guard();
    g.warning('TELNET_ERR_SB_OVERFLOW');
    g.afterChunk(600);
    g.spoke();
    g.afterChunk(600);
    g.afterChunk(600);
    expect(abuse).toEqual([]);
  });

  it('reports repeated negotiation violations, not other warnings', () => {
    const { g, abuse } = guard();
    for (let k = 0; k < 10; k++) g.warning('TELNET_ERR_BAD_IAC');
    expect(abuse).toEqual([]);
    for (let k = 0; k < 4; k++) g.warning('TELNET_ERR_NEGOTIATION_VIOLATION');
    expect(abuse).toHaveLength(1);
  });
});
