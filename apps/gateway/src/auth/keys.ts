import { createPublicKey, type KeyObject } from 'node:crypto';

/** Smallest HS256 secret accepted: 32 characters, i.e. 256 bits if random, as RFC 7518 §3.2 asks. */
export const MIN_HS256_SECRET_LENGTH = 32;

/**
 * Reads an Ed25519 public key from SPKI PEM text or a JWK. Throws an Error whose message says what is
 * wrong, in words fit for a configuration error. Private keys are refused: the gateway only verifies,
 * and a signing key has no business in its configuration.
 */
export function importEd25519PublicKey(value: string | Readonly<Record<string, unknown>>): KeyObject {
  let key: KeyObject;
  if (typeof value === 'string') {
    if (value.includes('PRIVATE KEY')) {
      throw new Error('is a private key; give the public key only (openssl pkey -pubout)');
    }
    if (!value.includes('-----BEGIN PUBLIC KEY-----')) {
      throw new Error('must be a PEM public key ("-----BEGIN PUBLIC KEY-----…") or a JWK');
    }
    try {
      key = createPublicKey({ key: value, format: 'pem' });
    } catch {
      throw new Error('is not a readable PEM public key');
    }
  } else {
    if ('d' in value) throw new Error('is a private JWK (it has "d"); give the public key only');
    try {
      key = createPublicKey({ key: { ...value }, format: 'jwk' });
    } catch {
      throw new Error('is not a readable JWK public key (expected {"kty":"OKP","crv":"Ed25519","x":…})');
    }
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'an unknown key type'}`);
  }
  return key;
}
