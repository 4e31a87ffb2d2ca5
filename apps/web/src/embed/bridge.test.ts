import { describe, expect, it, vi } from 'vitest';
import { EmbedBridge, isTrustedOrigin, parseParentCommand, resolveParentOrigin } from './bridge';

const OWN = 'https://gw.example';
const PORTAL = 'https://portal.example';

describe('isTrustedOrigin', () => {
  it('trusts the page’s own origin even with an empty allowlist', () => {
    expect(isTrustedOrigin(OWN, [], OWN)).toBe(true);
    expect(isTrustedOrigin('https://gw.example:443', [], OWN)).toBe(true);
    expect(isTrustedOrigin(PORTAL, [], OWN)).toBe(false);
  });

  it('trusts listed origins exactly: no scheme, port or subdomain slack, no wildcard', () => {
    expect(isTrustedOrigin(PORTAL, [`${PORTAL}/`], OWN)).toBe(true);
    expect(isTrustedOrigin('http://portal.example', [PORTAL], OWN)).toBe(false);
    expect(isTrustedOrigin('https://portal.example:8443', [PORTAL], OWN)).toBe(false);
    expect(isTrustedOrigin('https://evil.portal.example', [PORTAL], OWN)).toBe(false);
    expect(isTrustedOrigin('https://evil.example', ['*'], OWN)).toBe(false);
    expect(isTrustedOrigin('null', ['null'], OWN)).toBe(false);
  });

  it('trusts only origins: a listed URL with a path or userinfo is not an origin and allows nothing', () => {
    expect(isTrustedOrigin(PORTAL, [`${PORTAL}/admin`], OWN)).toBe(false);
    expect(isTrustedOrigin(PORTAL, ['https://u:p@portal.example'], OWN)).toBe(false);
    expect(isTrustedOrigin('HTTPS://Portal.Example:443', [PORTAL], OWN)).toBe(true);
  });
});

describe('resolveParentOrigin', () => {
  it('prefers ancestorOrigins, falls back to the referrer, and trusts only allowed origins', () => {
    expect(resolveParentOrigin({ ancestorOrigins: [PORTAL], referrer: '' }, [PORTAL], OWN)).toBe(PORTAL);
    expect(resolveParentOrigin({ referrer: `${PORTAL}/admin?x=1` }, [PORTAL], OWN)).toBe(PORTAL);
    expect(
      resolveParentOrigin({ ancestorOrigins: ['https://evil.example'], referrer: PORTAL }, [PORTAL], OWN),
    ).toBeUndefined();
    expect(resolveParentOrigin({ referrer: '' }, [PORTAL], OWN)).toBeUndefined();
  });
});

describe('parseParentCommand', () => {
  it('reads every command', () => {
    expect(parseParentCommand({ type: 'telgate:connect' })).toEqual({ type: 'telgate:connect' });
    expect(parseParentCommand({ type: 'telgate:connect', token: 't' })).toEqual({
      type: 'telgate:connect',
      token: 't',
    });
    expect(parseParentCommand({ type: 'telgate:token', token: 'fresh' })).toEqual({
      type: 'telgate:token',
      token: 'fresh',
    });
    expect(parseParentCommand({ type: 'telgate:disconnect' })).toEqual({ type: 'telgate:disconnect' });
    expect(parseParentCommand({ type: 'telgate:logout' })).toEqual({ type: 'telgate:logout' });
    expect(parseParentCommand({ type: 'telgate:focus' })).toEqual({ type: 'telgate:focus' });
    expect(parseParentCommand({ type: 'telgate:send', text: 'ls\r' })).toEqual({
      type: 'telgate:send',
      text: 'ls\r',
    });
    expect(parseParentCommand({ type: 'telgate:set-theme', theme: 'light' })).toEqual({
      type: 'telgate:set-theme',
      theme: 'light',
    });
  });

  it('ignores messages for others and explains malformed ones', () => {
    expect(parseParentCommand('hello')).toBeUndefined();
    expect(parseParentCommand({ type: 'webpackOk' })).toBeUndefined();
    expect(parseParentCommand({ type: 'telgate:send', text: 5 })).toEqual({
      error: 'telgate:send needs a string "text"',
    });
    expect(parseParentCommand({ type: 'telgate:set-theme', theme: 'neon' })).toHaveProperty('error');
    expect(parseParentCommand({ type: 'telgate:connect', token: '' })).toHaveProperty('error');
    expect(parseParentCommand({ type: 'telgate:reboot' })).toEqual({
      error: 'unknown command "telgate:reboot"',
    });
  });
});

describe('EmbedBridge', () => {
  function bridge(hints = { referrer: '' }) {
    const parent = { postMessage: vi.fn() };
    const onCommand = vi.fn();
    const warn = vi.fn();
    const instance = new EmbedBridge({
      parent,
      allowedOrigins: [PORTAL],
      ownOrigin: OWN,
      hints,
      onCommand,
      warn,
    });
    return { instance, parent, onCommand, warn };
  }

  it('posts events to the parent’s exact origin', () => {
    const { instance, parent } = bridge({ referrer: `${PORTAL}/page` });
    instance.post({ type: 'telgate:ready' });
    expect(parent.postMessage).toHaveBeenCalledWith({ type: 'telgate:ready' }, PORTAL);
  });

  it('holds events until a trusted parent makes itself known', () => {
    const { instance, parent, onCommand } = bridge();
    instance.post({ type: 'telgate:ready' });
    instance.post({ type: 'telgate:title', title: 'sh' });
    expect(parent.postMessage).not.toHaveBeenCalled();
    instance.receive({ origin: PORTAL, source: parent, data: { type: 'telgate:focus' } });
    expect(parent.postMessage.mock.calls).toEqual([
      [{ type: 'telgate:ready' }, PORTAL],
      [{ type: 'telgate:title', title: 'sh' }, PORTAL],
    ]);
    expect(onCommand).toHaveBeenCalledWith({ type: 'telgate:focus' });
  });

  it('ignores commands from other origins or other windows', () => {
    const { instance, parent, onCommand, warn } = bridge();
    instance.receive({
      origin: 'https://evil.example',
      source: parent,
      data: { type: 'telgate:send', text: 'rm' },
    });
    instance.receive({ origin: PORTAL, source: {}, data: { type: 'telgate:send', text: 'rm' } });
    expect(onCommand).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    expect(instance.origin).toBeUndefined();
  });

  it('warns about malformed commands from the trusted parent', () => {
    const { instance, parent, onCommand, warn } = bridge();
    instance.receive({ origin: PORTAL, source: parent, data: { type: 'telgate:send' } });
    expect(onCommand).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('telgate:send needs a string "text"'));
  });
});

describe('telgate:token', () => {
  it('needs a non-empty string token', () => {
    expect(parseParentCommand({ type: 'telgate:token' })).toEqual({
      error: 'telgate:token token must be a non-empty string',
    });
    expect(parseParentCommand({ type: 'telgate:token', token: '' })).toHaveProperty('error');
    expect(parseParentCommand({ type: 'telgate:token', token: 7 })).toHaveProperty('error');
  });

  it('reaches the terminal from the trusted parent, and token-expired goes back to it only', () => {
    const parent = { postMessage: vi.fn() };
    const commands: unknown[] = [];
    const bridge = new EmbedBridge({
      parent,
      allowedOrigins: [PORTAL],
      ownOrigin: OWN,
      hints: { ancestorOrigins: [PORTAL], referrer: '' },
      onCommand: (command) => commands.push(command),
    });
    bridge.receive({
      origin: 'https://evil.example',
      source: parent,
      data: { type: 'telgate:token', token: 'x' },
    });
    bridge.receive({ origin: PORTAL, source: parent, data: { type: 'telgate:token', token: 'fresh' } });
    expect(commands).toEqual([{ type: 'telgate:token', token: 'fresh' }]);
    bridge.post({ type: 'telgate:token-expired', code: 'GW_ERR_TOKEN_EXPIRED', reason: 'expired' });
    expect(parent.postMessage).toHaveBeenCalledWith(
      { type: 'telgate:token-expired', code: 'GW_ERR_TOKEN_EXPIRED', reason: 'expired' },
      PORTAL,
    );
  });
});
