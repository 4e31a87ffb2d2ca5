import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importEd25519PublicKey } from './keys.js';

const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });

describe('importEd25519PublicKey', () => {
  it('reads PEM and JWK public keys', () => {
    const pem = ed.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(importEd25519PublicKey(pem).asymmetricKeyType).toBe('ed25519');
    const jwk = ed.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    expect(importEd25519PublicKey(jwk).asymmetricKeyType).toBe('ed25519');
  });

  it('refuses private keys, other key types and garbage, saying why', () => {
    const privatePem = ed.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => importEd25519PublicKey(privatePem)).toThrow('is a private key; give the public key only');
    const rsaPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => importEd25519PublicKey(rsaPem)).toThrow('must be an Ed25519 key, not rsa');
    expect(() =>
      importEd25519PublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----'),
    ).toThrow('is not a readable PEM public key');
    expect(() => importEd25519PublicKey({ kty: 'OKP' })).toThrow('is not a readable JWK public key');
  });
});
