import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier } from '../auth/token.js';
import { runMintToken } from './mint-token.js';

const SECRET = 'mint-token-test-secret-0123456789abcdefgh';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await runMintToken(argv, env, {
    out: (text) => {
      out += text;
    },
    err: (text) => {
      err += text;
    },
  });
  return { code, out, err };
}

describe('mint-token', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'telgate-mint-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('signs with the secret from the environment', async () => {
    const { code, out } = await run(['--target', 'bbs', '--user', 'alice'], { TELGATE_HS256_SECRET: SECRET });
    expect(code).toBe(0);
    const verifier = createTokenVerifier({
      mode: 'token',
      hs256Secret: SECRET,
      forceNoneOnPublic: false,
      maxTokenLifetimeSeconds: 3600,
    });
    await expect(verifier.verify(out.trim(), 'bbs')).resolves.toEqual({ user: 'alice' });
  });

  it('adds operator grants with --grant, and refuses unknown ones', async () => {
    const { code, out } = await run(['--target', '*', '--user', 'op', '--grant', 'recordings'], {
      TELGATE_HS256_SECRET: SECRET,
    });
    expect(code).toBe(0);
    const verifier = createTokenVerifier({
      mode: 'token',
      hs256Secret: SECRET,
      forceNoneOnPublic: false,
      maxTokenLifetimeSeconds: 3600,
    });
    await expect(verifier.authenticate(out.trim())).resolves.toEqual({
      user: 'op',
      target: '*',
      grants: ['recordings'],
    });
    const bad = await run(['--target', '*', '--user', 'op', '--grant', 'root'], {
      TELGATE_HS256_SECRET: SECRET,
    });
    expect(bad).toMatchObject({
      code: 2,
      err: expect.stringContaining('--grant root is not one of: recordings, watch, admin'),
    });
  });

  it('signs with the secret, issuer and audience of a gateway configuration', async () => {
    const file = join(dir, 'gateway.yaml');
    await writeFile(
      file,
      `security:\n  auth: { mode: token, hs256Secret: "${SECRET}", issuer: portal, audience: telgate }\n`,
    );
    const { code, out } = await run(['--config', file, '--target', 'bbs', '--user', 'bob', '--ttl', '60']);
    expect(code).toBe(0);
    const verifier = createTokenVerifier({
      mode: 'token',
      hs256Secret: SECRET,
      issuer: 'portal',
      audience: 'telgate',
      forceNoneOnPublic: false,
      maxTokenLifetimeSeconds: 3600,
    });
    await expect(verifier.verify(out.trim(), 'bbs')).resolves.toEqual({ user: 'bob' });
  });

  it('signs with an Ed25519 private key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const keyFile = join(dir, 'signing.pem');
    await writeFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const { code, out } = await run([
      '--private-key',
      keyFile,
      '--target',
      'h.example:23',
      '--user',
      'carol',
    ]);
    expect(code).toBe(0);
    const verifier = createTokenVerifier({
      mode: 'token',
      eddsaPublicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      forceNoneOnPublic: false,
      maxTokenLifetimeSeconds: 3600,
    });
    await expect(verifier.verify(out.trim(), 'h.example:23')).resolves.toEqual({ user: 'carol' });
  });

  it('explains what is missing', async () => {
    expect(await run(['--user', 'a'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--target and --user are required'),
    });
    expect(await run(['--target', 'a', '--user', 'a', '--ttl', 'soon'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--ttl must be a whole number of seconds'),
    });
    expect(await run(['--target', 'a', '--user', 'a'])).toMatchObject({
      code: 1,
      err: 'mint-token: no HS256 secret: set TELGATE_HS256_SECRET, give --config, or use --private-key\n',
    });
    expect(
      await run(['--target', 'a', '--user', 'a', '--private-key', join(dir, 'missing.pem')]),
    ).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^mint-token: cannot sign: ENOENT/),
    });
  });
});
