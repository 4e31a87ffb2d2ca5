import { describe, expect, it } from 'vitest';
import { TokenRenewal } from './token-renewal';

function setup(options: { parent?: boolean; token?: string } = {}) {
  const connects: Array<string | undefined> = [];
  const asks: string[] = [];
  const renewal = new TokenRenewal({
    initialToken: options.token ?? 'first',
    connect: (token) => connects.push(token),
    askParent: (code) => {
      asks.push(code);
      return options.parent ?? true;
    },
  });
  return { renewal, connects, asks };
}

describe('TokenRenewal', () => {
  it('asks the parent when the token is refused, and connects with the fresh one', () => {
    const { renewal, connects, asks } = setup();
    renewal.connect();
    renewal.closed('GW_ERR_AUTH_FAILED', 'refused');
    expect(asks).toEqual(['GW_ERR_AUTH_FAILED']);
    expect(renewal.waitingForToken).toBe(true);
    renewal.tokenArrived('second');
    expect(connects).toEqual(['first', 'second']);
    expect(renewal.token).toBe('second');
  });

  it('asks for GW_ERR_TOKEN_EXPIRED too, and not for other endings', () => {
    const { renewal, asks } = setup();
    renewal.closed('GW_ERR_HOST_UNREACHABLE', 'down');
    renewal.closed(undefined, 'closed');
    expect(asks).toEqual([]);
    renewal.closed('GW_ERR_TOKEN_EXPIRED', 'expired');
    expect(asks).toEqual(['GW_ERR_TOKEN_EXPIRED']);
  });

  it('keeps a token that comes unasked for the next connect', () => {
    const { renewal, connects } = setup();
    renewal.tokenArrived('spare');
    expect(connects).toEqual([]);
    renewal.connect();
    expect(connects).toEqual(['spare']);
  });

  it('asks instead of reconnecting with a token that was refused', () => {
    const { renewal, connects, asks } = setup();
    renewal.connect();
    renewal.closed('GW_ERR_TOKEN_EXPIRED', 'expired');
    renewal.tokenArrived('second');
    renewal.closed('GW_ERR_TOKEN_EXPIRED', 'expired');
    // The renewed token was refused as well: the parent hears it, but no new ask loop starts.
    expect(asks).toEqual(['GW_ERR_TOKEN_EXPIRED', 'GW_ERR_TOKEN_EXPIRED']);
    expect(renewal.waitingForToken).toBe(false);
    renewal.tokenArrived('third');
    expect(connects).toEqual(['first', 'second']);
    // The user's Reconnect then uses the token that came meanwhile.
    renewal.connect();
    expect(connects).toEqual(['first', 'second', 'third']);
  });

  it('asks again on a reconnect after a refused token, rather than sending it again', () => {
    const { renewal, connects, asks } = setup();
    renewal.connect();
    renewal.closed('GW_ERR_TOKEN_EXPIRED', 'expired');
    renewal.tokenArrived('second');
    renewal.closed('GW_ERR_AUTH_FAILED', 'refused');
    renewal.connect();
    expect(connects).toEqual(['first', 'second']);
    expect(asks).toHaveLength(3);
    expect(renewal.waitingForToken).toBe(true);
  });

  it('without a parent, reconnects with the token it has', () => {
    const { renewal, connects } = setup({ parent: false });
    renewal.connect();
    renewal.closed('GW_ERR_TOKEN_EXPIRED', 'expired');
    renewal.connect();
    expect(connects).toEqual(['first', 'first']);
  });

  it('a connect with a new token uses it at once', () => {
    const { renewal, connects, asks } = setup();
    renewal.connect();
    renewal.closed('GW_ERR_TOKEN_EXPIRED', 'expired');
    renewal.connect('portal-fresh');
    expect(connects).toEqual(['first', 'portal-fresh']);
    expect(asks).toHaveLength(1);
  });
});
