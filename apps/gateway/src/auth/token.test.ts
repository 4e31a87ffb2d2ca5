import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import type { AuthConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';
import { createTokenVerifier, mintToken } from './token.js';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const hs256: AuthConfig = {
  mode: 'token',
  hs256Secret: SECRET,
  forceNoneOnPublic: false,
  maxTokenLifetimeSeconds: 3600,
};
const ed = generateKeyPairSync('ed25519');
const eddsa: AuthConfig = {
  mode: 'token',
  eddsaPublicKey: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  forceNoneOnPublic: false,
  maxTokenLifetimeSeconds: 3600,
};

async function refusal(promise: Promise<unknown>, code = 'GW_ERR_AUTH_FAILED'): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe(code);
    return (error as GatewayError).message;
  }
  throw new Error('expected the token to be refused');
}

describe('createTokenVerifier', () => {
  it('lets everyone in when auth is off', async () => {
    const verifier = createTokenVerifier({
      mode: 'none',
      forceNoneOnPublic: false,
      maxTokenLifetimeSeconds: 3600,
    });
    await expect(verifier.verify(undefined, 'demo')).resolves.toEqual({ user: undefined });
  });

  it('accepts an HS256 token for the target and returns its user', async () => {
    const token = await mintToken({ hs256Secret: SECRET, target: 'bbs', user: 'alice' });
    await expect(createTokenVerifier(hs256).verify(token, 'bbs')).resolves.toEqual({ user: 'alice' });
  });

  it('accepts an EdDSA token, with the key as PEM or JWK', async () => {
    const token = await mintToken({ eddsaPrivateKey: ed.privateKey, target: 'bbs', user: 'bob' });
    await expect(createTokenVerifier(eddsa).verify(token, 'bbs')).resolves.toEqual({ user: 'bob' });
    const jwk = ed.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const viaJwk = createTokenVerifier({
      mode: 'token',
      eddsaPublicKey: jwk,
      forceNoneOnPublic: false,
      maxTokenLifetimeSeconds: 3600,
    });
    await expect(viaJwk.verify(token, 'bbs')).resolves.toEqual({ user: 'bob' });
    const pem = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const fromPem = await mintToken({ eddsaPrivateKey: pem, target: 'bbs', user: 'carol' });
    await expect(createTokenVerifier(eddsa).verify(fromPem, 'bbs')).resolves.toEqual({ user: 'carol' });
  });

  it('accepts the target under the claim name "target" too', async () => {
    const issuedAt = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ target: 'bbs' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dave')
      .setExpirationTime(issuedAt + 60)
      .sign(new TextEncoder().encode(SECRET));
    await expect(createTokenVerifier(hs256).verify(token, 'bbs')).resolves.toEqual({ user: 'dave' });
  });

  it('refuses a missing, malformed, forged or expired token', async () => {
    const verifier = createTokenVerifier(hs256);
    expect(await refusal(verifier.verify(undefined, 'bbs'))).toBe('no token');
    expect(await refusal(verifier.verify('not.a.jwt', 'bbs'))).toBe('token is not a JWT');
    const forged = await mintToken({ hs256Secret: `${SECRET}-other`, target: 'bbs', user: 'eve' });
    expect(await refusal(verifier.verify(forged, 'bbs'))).toBe('token signature does not verify');
    const expired = await mintToken({
      hs256Secret: SECRET,
      target: 'bbs',
      user: 'alice',
      ttlSeconds: 60,
      now: new Date(Date.now() - 3600_000),
    });
    expect(await refusal(verifier.verify(expired, 'bbs'), 'GW_ERR_TOKEN_EXPIRED')).toBe('token expired');
  });

  it('refuses tokens issued in the future, or living longer than maxTokenLifetimeSeconds', async () => {
    const now = Math.floor(Date.now() / 1000);
    const verifier = createTokenVerifier({ ...hs256, maxTokenLifetimeSeconds: 600 }, () => now);
    const mint = (issuedAt: number, ttlSeconds: number) =>
      mintToken({
        hs256Secret: SECRET,
        target: 'bbs',
        user: 'a',
        ttlSeconds,
        now: new Date(issuedAt * 1000),
      });
    await expect(verifier.verify(await mint(now - 5, 600), 'bbs')).resolves.toEqual({ user: 'a' });
    expect(await refusal(verifier.verify(await mint(now + 3600, 60), 'bbs'))).toBe(
      'token issued 3600 s in the future',
    );
    expect(await refusal(verifier.verify(await mint(now, 86_400), 'bbs'))).toBe(
      'token expires in 86400 s, more than maxTokenLifetimeSeconds (600)',
    );
    expect(
      await refusal(verifier.verify(await mint(now - 7200, 86_400), 'bbs'), 'GW_ERR_TOKEN_EXPIRED'),
    ).toBe('token issued 7200 s ago, more than maxTokenLifetimeSeconds (600)');
  });

  it('refuses a token for another target', async () => {
    const token = await mintToken({ hs256Secret: SECRET, target: 'other', user: 'alice' });
    expect(await refusal(createTokenVerifier(hs256).verify(token, 'bbs'))).toBe(
      'token is for target "other", not "bbs"',
    );
  });

  it('refuses tokens without expiry, user or target', async () => {
    const key = new TextEncoder().encode(SECRET);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const verifier = createTokenVerifier(hs256);
    const noExp = await new SignJWT({ tgt: 'bbs' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .sign(key);
    expect(await refusal(verifier.verify(noExp, 'bbs'))).toBe('token claim "exp" is missing');
    const noSub = await new SignJWT({ tgt: 'bbs' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime(exp)
      .sign(key);
    expect(await refusal(verifier.verify(noSub, 'bbs'))).toBe('token claim "sub" is missing');
    const noTarget = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('a')
      .setExpirationTime(exp)
      .sign(key);
    expect(await refusal(verifier.verify(noTarget, 'bbs'))).toBe('token names no target (tgt)');
  });

  it('refuses algorithms it has no key for, including alg none', async () => {
    const edToken = await mintToken({ eddsaPrivateKey: ed.privateKey, target: 'bbs', user: 'bob' });
    expect(await refusal(createTokenVerifier(hs256).verify(edToken, 'bbs'))).toBe(
      'token algorithm EdDSA not accepted',
    );
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ sub: 'x', tgt: 'bbs', exp: 9999999999 })).toString('base64url');
    expect(await refusal(createTokenVerifier(hs256).verify(`${header}.${body}.`, 'bbs'))).toBe(
      'token algorithm none not accepted',
    );
  });

  it('checks issuer and audience when configured', async () => {
    const verifier = createTokenVerifier({ ...hs256, issuer: 'portal', audience: 'telgate' });
    const good = await mintToken({
      hs256Secret: SECRET,
      target: 'bbs',
      user: 'a',
      issuer: 'portal',
      audience: 'telgate',
    });
    await expect(verifier.verify(good, 'bbs')).resolves.toEqual({ user: 'a' });
    const wrongIssuer = await mintToken({
      hs256Secret: SECRET,
      target: 'bbs',
      user: 'a',
      issuer: 'x',
      audience: 'telgate',
    });
    expect(await refusal(verifier.verify(wrongIssuer, 'bbs'))).toBe('token claim "iss" has the wrong value');
  });
});

describe('the telgate.login claim', () => {
  const signed = (claims: Record<string, unknown>) =>
    new SignJWT({ tgt: 'bbs', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('alice')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

  it('brings sign-in credentials, the password kept as a secret', async () => {
    const token = await mintToken({
      hs256Secret: SECRET,
      target: 'bbs',
      user: 'alice',
      login: { username: 'al', password: 'pw-in-token-7f2' },
    });
    const principal = await createTokenVerifier(hs256).verify(token, 'bbs');
    expect(principal.user).toBe('alice');
    expect(principal.login?.username).toBe('al');
    expect(principal.login?.password.reveal()).toBe('pw-in-token-7f2');
    expect(JSON.stringify(principal)).not.toContain('pw-in-token-7f2');
    const plain = await mintToken({ hs256Secret: SECRET, target: 'bbs', user: 'alice' });
    expect(await createTokenVerifier(hs256).verify(plain, 'bbs')).toEqual({ user: 'alice' });
  });

  it('refuses a malformed claim without repeating its values', async () => {
    const verifier = createTokenVerifier(hs256);
    expect(await refusal(verifier.verify(await signed({ 'telgate.login': 'x' }), 'bbs'))).toBe(
      'token claim "telgate.login" is not an object with username and password',
    );
    expect(
      await refusal(verifier.verify(await signed({ 'telgate.login': { password: 'pw-x1' } }), 'bbs')),
    ).toBe('token claim "telgate.login" has no usable username');
    const twoLines = await signed({ 'telgate.login': { username: 'al', password: 'pw-x1\r\nrm -rf' } });
    expect(await refusal(verifier.verify(twoLines, 'bbs'))).toBe(
      'token claim "telgate.login" has no usable password',
    );
  });
});

describe('operator grants (telgate.grants)', () => {
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ tgt: '*', ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('op')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(SECRET));

  it('are read from the claim, none by default', async () => {
    const verifier = createTokenVerifier(hs256);
    await expect(verifier.authenticate(await sign({}))).resolves.toMatchObject({ grants: [] });
    await expect(
      verifier.authenticate(await sign({ 'telgate.grants': ['recordings'] })),
    ).resolves.toMatchObject({
      grants: ['recordings'],
    });
    await expect(
      verifier.authenticate(await sign({ 'telgate.grants': ['admin', 'watch', 'admin'] })),
    ).resolves.toMatchObject({ grants: ['admin', 'watch'] });
  });

  it('refuse a token whose claim is not a list of known grants', async () => {
    const verifier = createTokenVerifier(hs256);
    for (const claim of ['recordings', ['root'], ['admin', 'root'], [1], { recordings: true }]) {
      expect(await refusal(verifier.authenticate(await sign({ 'telgate.grants': claim })))).toBe(
        'token claim "telgate.grants" is not a list of recordings, watch, admin',
      );
    }
  });
});
