import { createPrivateKey, type KeyObject } from 'node:crypto';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { Secret } from '../config/secret.js';
import type { AuthConfig } from '../config/types.js';
import { GatewayError } from '../errors.js';
import { importEd25519PublicKey } from './keys.js';

/** The credentials one session signs in to its host with (see relay/auto-login.ts). */
export interface LoginCredentials {
  readonly username: string;
  readonly password: Secret;
}

/** Who may do what, as established by the auth step. */
export interface Principal {
  /** The token's `sub`; undefined when auth is off. */
  readonly user: string | undefined;
  /**
   * The token's `telgate.login` claim: credentials for the target's automatic sign-in, used only when
   * the target's `autoLogin.fromToken` is set.
   */
  readonly login?: LoginCredentials;
}

/** What a valid token grants, whatever it is presented for. */
export interface Grant extends Principal {
  /** The target id the token opens (`tgt`), or `*` for a token that reads the target list only. */
  readonly target: string;
  /** Operator grants (the `telgate.grants` claim), e.g. `recordings`; none unless the token lists them. */
  readonly grants: readonly OperatorGrant[];
}

/**
 * What an operator's token may do besides opening its target: `recordings` reads the recordings,
 * `watch` lists the live and detached sessions, `admin` drains the gateway.
 */
export type OperatorGrant = 'recordings' | 'watch' | 'admin';
export const OPERATOR_GRANTS: readonly OperatorGrant[] = ['recordings', 'watch', 'admin'];
/** The claim that lists a token's operator grants: `["recordings"]`. */
export const GRANTS_CLAIM = 'telgate.grants';

/** The `telgate.grants` claim, checked: unknown grants are refused, so a typo is not silently ignored. */
function readGrantsClaim(payload: Record<string, unknown>): OperatorGrant[] {
  if (!Object.hasOwn(payload, GRANTS_CLAIM)) return [];
  const claim = payload[GRANTS_CLAIM];
  if (!Array.isArray(claim) || claim.some((g) => !OPERATOR_GRANTS.includes(g as OperatorGrant))) {
    throw authFailed(`token claim "${GRANTS_CLAIM}" is not a list of ${OPERATOR_GRANTS.join(', ')}`);
  }
  return [...new Set(claim as OperatorGrant[])];
}

/** `tgt` of a token that lists every target (GET /api/targets) and opens none. */
export const ANY_TARGET = '*';

export interface TokenVerifier {
  /**
   * Checks a token's signature, lifetime and claims, whatever target it names; undefined when auth is
   * off. Throws GW_ERR_AUTH_FAILED like `verify`.
   */
  authenticate(token: string | undefined): Promise<Grant | undefined>;
  /**
   * Checks that `token` lets its holder open `targetId` (a configured id, or `host:port` for free-form).
   * Throws GW_ERR_AUTH_FAILED, with the reason in the message for the logs.
   */
  verify(token: string | undefined, targetId: string): Promise<Principal>;
}

/** The claim that carries a session's sign-in credentials: `{ "username": …, "password": … }`. */
export const LOGIN_CLAIM = 'telgate.login';
const MAX_LOGIN_USERNAME = 256;
const MAX_LOGIN_PASSWORD = 1024;
/** A line break (or NUL) would type more than one line at the host's prompt. */
const LINE_BREAK = /[\r\n\0]/;

/** The `telgate.login` claim, checked; undefined when the token has none. Errors never hold its values. */
function readLoginClaim(payload: Record<string, unknown>): LoginCredentials | undefined {
  if (!Object.hasOwn(payload, LOGIN_CLAIM)) return undefined;
  const claim = payload[LOGIN_CLAIM];
  if (typeof claim !== 'object' || claim === null || Array.isArray(claim)) {
    throw authFailed(`token claim "${LOGIN_CLAIM}" is not an object with username and password`);
  }
  const username = Object.hasOwn(claim, 'username') ? (claim as Record<string, unknown>).username : undefined;
  const password = Object.hasOwn(claim, 'password') ? (claim as Record<string, unknown>).password : undefined;
  const usable = (value: unknown, max: number): value is string =>
    typeof value === 'string' && value !== '' && value.length <= max && !LINE_BREAK.test(value);
  if (!usable(username, MAX_LOGIN_USERNAME)) {
    throw authFailed(`token claim "${LOGIN_CLAIM}" has no usable username`);
  }
  if (!usable(password, MAX_LOGIN_PASSWORD)) {
    throw authFailed(`token claim "${LOGIN_CLAIM}" has no usable password`);
  }
  return { username, password: new Secret(password) };
}

const nowInSeconds = () => Math.floor(Date.now() / 1000);

/** Tolerated clock difference between the token issuer and the gateway. */
const CLOCK_TOLERANCE_SECONDS = 30;
const EDDSA_ALGORITHMS = ['EdDSA', 'Ed25519'];

function authFailed(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_AUTH_FAILED', detail, { cause });
}

function tokenExpired(detail: string, cause?: unknown): GatewayError {
  return new GatewayError('GW_ERR_TOKEN_EXPIRED', detail, { cause });
}

/** Why jose refused a token, in words for the logs (never sent to the browser). */
function describeJoseError(error: unknown): string {
  if (error instanceof joseErrors.JWTExpired) return 'token expired';
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const problems: Record<string, string> = { missing: 'is missing', check_failed: 'has the wrong value' };
    const problem = problems[error.reason] ?? 'is malformed';
    return `token claim "${error.claim}" ${problem}`;
  }
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature does not verify';
  if (error instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (error instanceof joseErrors.JOSEError) return `token rejected (${error.code})`;
  return 'token rejected';
}

/**
 * Refuses tokens a leak would keep useful for long: issued in the future, issued longer ago than the
 * longest lifetime (GW_ERR_TOKEN_EXPIRED), or expiring further ahead than it.
 */
function checkLifetime(payload: Record<string, unknown>, maxLifetime: number, nowSeconds: number): void {
  const { iat, exp } = payload;
  if (typeof iat === 'number') {
    if (iat > nowSeconds + CLOCK_TOLERANCE_SECONDS) {
      throw authFailed(`token issued ${iat - nowSeconds} s in the future`);
    }
    if (iat < nowSeconds - maxLifetime - CLOCK_TOLERANCE_SECONDS) {
      throw tokenExpired(
        `token issued ${nowSeconds - iat} s ago, more than maxTokenLifetimeSeconds (${maxLifetime})`,
      );
    }
  }
  if (typeof exp === 'number' && exp > nowSeconds + maxLifetime + CLOCK_TOLERANCE_SECONDS) {
    throw authFailed(
      `token expires in ${exp - nowSeconds} s, more than maxTokenLifetimeSeconds (${maxLifetime})`,
    );
  }
}

export function createTokenVerifier(auth: AuthConfig, now: () => number = nowInSeconds): TokenVerifier {
  if (auth.mode === 'none') {
    return { authenticate: async () => undefined, verify: async () => ({ user: undefined }) };
  }

  const keys = new Map<string, Uint8Array | KeyObject>();
  if (auth.hs256Secret !== undefined) keys.set('HS256', new TextEncoder().encode(auth.hs256Secret));
  if (auth.eddsaPublicKey !== undefined) {
    const publicKey = importEd25519PublicKey(auth.eddsaPublicKey);
    for (const alg of EDDSA_ALGORITHMS) keys.set(alg, publicKey);
  }
  if (keys.size === 0) throw new Error('security.auth.mode is "token" but no key is configured');

  async function authenticate(token: string | undefined): Promise<Grant> {
    if (!token) throw authFailed('no token');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (error) {
      throw authFailed('token is not a JWT', error);
    }
    const key = alg === undefined ? undefined : keys.get(alg);
    if (!key || alg === undefined) throw authFailed(`token algorithm ${alg ?? '(none)'} not accepted`);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, key, {
        algorithms: [alg],
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(auth.issuer !== undefined && { issuer: auth.issuer }),
        ...(auth.audience !== undefined && { audience: auth.audience }),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw tokenExpired(describeJoseError(error), error);
      throw authFailed(describeJoseError(error), error);
    }
    checkLifetime(payload, auth.maxTokenLifetimeSeconds, now());
    const user = payload.sub;
    if (typeof user !== 'string' || user === '') throw authFailed('token has no user (sub)');
    const granted = payload.tgt ?? payload.target;
    if (typeof granted !== 'string') throw authFailed('token names no target (tgt)');
    const login = readLoginClaim(payload);
    const grants = readGrantsClaim(payload);
    return { user, target: granted, grants, ...(login && { login }) };
  }

  return {
    authenticate,
    async verify(token, targetId) {
      const { user, target: granted, login } = await authenticate(token);
      if (granted !== targetId) throw authFailed(`token is for target "${granted}", not "${targetId}"`);
      return { user, ...(login && { login }) };
    },
  };
}

export interface MintTokenOptions {
  /** Target id the token opens: a configured id, or `host:port` for a free-form target. */
  readonly target: string;
  readonly user: string;
  /** Lifetime; 300 s unless given. */
  readonly ttlSeconds?: number;
  /** Sign with HS256 and this shared secret… */
  readonly hs256Secret?: string;
  /** …or with EdDSA and this Ed25519 private key (PKCS#8 PEM, JWK or KeyObject). */
  readonly eddsaPrivateKey?: string | Readonly<Record<string, unknown>> | KeyObject;
  readonly issuer?: string;
  readonly audience?: string;
  /** Signing time; now unless given. */
  readonly now?: Date;
  /**
   * Credentials for the target's automatic sign-in (the `telgate.login` claim). A token's claims are
   * readable by whoever holds it: keep such tokens short-lived and send them over HTTPS only.
   */
  readonly login?: { readonly username: string; readonly password: string };
  /** Operator grants (the `telgate.grants` claim), e.g. `['recordings']` for the recordings page. */
  readonly grants?: readonly OperatorGrant[];
}

/**
 * Issues a token the gateway accepts: `sub` = user, `tgt` = target id, `exp` = now + ttl. For portals
 * that embed the terminal, for tests, and for `npm run mint-token`.
 */
export async function mintToken(options: MintTokenOptions): Promise<string> {
  const issuedAt = Math.floor((options.now ?? new Date()).getTime() / 1000);
  let jwt = new SignJWT({
    tgt: options.target,
    ...(options.grants && { [GRANTS_CLAIM]: [...options.grants] }),
    ...(options.login && {
      [LOGIN_CLAIM]: { username: options.login.username, password: options.login.password },
    }),
  })
    .setSubject(options.user)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + (options.ttlSeconds ?? 300));
  if (options.issuer !== undefined) jwt = jwt.setIssuer(options.issuer);
  if (options.audience !== undefined) jwt = jwt.setAudience(options.audience);
  if (options.hs256Secret !== undefined) {
    return jwt
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(options.hs256Secret));
  }
  if (options.eddsaPrivateKey !== undefined) {
    const source = options.eddsaPrivateKey;
    const key =
      typeof source === 'string'
        ? createPrivateKey(source)
        : 'asymmetricKeyType' in source
          ? (source as KeyObject)
          : createPrivateKey({ key: { ...source }, format: 'jwk' });
    return jwt.setProtectedHeader({ alg: 'EdDSA', typ: 'JWT' }).sign(key);
  }
  throw new Error('mintToken needs hs256Secret or eddsaPrivateKey');
}
