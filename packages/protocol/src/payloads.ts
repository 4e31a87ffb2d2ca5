/**
 * The JSON payloads of the control frames (SETTINGS, STATE, NOTICE), and their validators.
 *
 * Validators read untrusted values: they check every field by hand and build a fresh object that
 * holds only the known fields, so unknown keys (including `__proto__`) never travel further. Unknown
 * keys are ignored rather than refused, which lets a newer peer add optional fields without
 * breaking an older one. A wrong type or value for a known field is refused.
 */

import { EOL_MODES, type EolMode } from '@telgate/telnet-core';
import { type GatewayErrorCode, isGatewayErrorCode } from './close-codes.js';

/** What the Enter key sends to the host: the engine's end-of-line modes, by the same names. */
export { EOL_MODES, type EolMode };

/** What the Backspace key sends to the host: DEL (0x7F) or BS (0x08). */
export const BACKSPACE_KEYS = ['del', 'bs'] as const;
export type BackspaceKey = (typeof BACKSPACE_KEYS)[number];

/** Whether the terminal echoes typed characters itself: `auto` follows the host's ECHO option. */
export type LocalEchoMode = 'auto' | 'on' | 'off';
export const LOCAL_ECHO_MODES: readonly LocalEchoMode[] = ['auto', 'on', 'off'];

/** Session settings the user can change (SETTINGS from the browser carries a partial update). */
export interface UserSettings {
  eol: EolMode;
  backspace: BackspaceKey;
  localEcho: LocalEchoMode;
}

/** The longest charset name a SETTINGS frame may carry. */
export const MAX_CHARSET_NAME_LENGTH = 40;

export type SettingsUpdate = Partial<UserSettings> & {
  /**
   * The host's character set from now on, both ways (e.g. `CP437`). The gateway checks the name: one
   * it does not know leaves the charset as it was, with a warning notice.
   */
  charset?: string;
};

/** The settings in force for the session (SETTINGS from the gateway). */
export interface EffectiveSettings extends UserSettings {
  /** The host's character set in use: configured, chosen on connect, or switched by the user, e.g. `UTF-8`. */
  charset: string;
  /** Whether the host echoes input (it has enabled the ECHO option). */
  remoteEcho: boolean;
}

export type ConnectionState = 'connecting' | 'connected' | 'closed';
export const CONNECTION_STATES: readonly ConnectionState[] = ['connecting', 'connected', 'closed'];

/**
 * How the page presents a host: `bbs` (CP437 with the PC's control glyphs and the VGA palette), `mud`
 * (local line editing with a history of lines), or `normal`.
 */
export const TERMINAL_MODES = ['normal', 'bbs', 'mud'] as const;
export type TerminalMode = (typeof TERMINAL_MODES)[number];

/** The host a session is for. */
export interface TargetInfo {
  id: string;
  label: string;
  host: string;
  port: number;
  charset: string;
  /** How the gateway's configuration says to present this host; absent means `normal`. */
  terminalMode?: TerminalMode;
}

/**
 * How a telgate.v2 client gets its session back after losing the socket: present the credential in
 * a RESUME frame, as the first frame of a new socket, within `graceSeconds`.
 */
export interface ResumeInfo {
  /** Unguessable, single-session; it changes on every resume, so keep only the latest. */
  credential: string;
  /** How long the gateway keeps the session after the socket goes away. */
  graceSeconds: number;
  /**
   * The gateway holding the session, when several serve one address: a resume sends it back as the
   * URL's `gw` parameter, so that the proxy in front routes the socket to that gateway.
   */
  gateway?: string;
}

/** A gateway id, as `ResumeInfo.gateway` and the `gw` URL parameter carry it. */
export const GATEWAY_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** A resume credential: URL-safe base64 characters, 16 to 256 of them. */
export const RESUME_CREDENTIAL_PATTERN = /^[A-Za-z0-9_-]{16,256}$/;

/** The RESUME frame's payload (telgate.v2). */
export interface ResumeRequest {
  credential: string;
}

interface SessionStateCommon {
  target?: TargetInfo;
  /** The gateway's identifier for this session, for matching its logs. */
  sessionId?: string;
}

/** Where the session stands (STATE frame). Only a closed session carries an error. */
export type SessionState =
  | (SessionStateCommon & { state: 'connecting' })
  | (SessionStateCommon & {
      state: 'connected';
      /** telgate.v2 only: how to get this session back if the socket is lost. */
      resume?: ResumeInfo;
    })
  | (SessionStateCommon & {
      state: 'closed';
      /** Why the session ended; absent after a normal close. */
      code?: GatewayErrorCode;
      /** Details for the user or the logs, beyond the code's own message. */
      reason?: string;
    });

/** The terminal a SUPDUP session described to its host (RFC 734 initialization). */
export interface SupdupTerminal {
  cols: number;
  rows: number;
  ttyopt: string[];
}

/** Something the user should know about (NOTICE frame). */
export type Notice =
  /** The host said it will log the user out soon (unsolicited WILL LOGOUT, RFC 727). */
  | { kind: 'auto-logout-warning' }
  /**
   * The session speaks SUPDUP (RFC 734): from the start, or after Telnet switched to it (RFC 736).
   * `terminal` is what the gateway told the host: the size and the TTYOPT flags (`%TOMVB`, `%TPCBS`…).
   */
  | { kind: 'supdup'; terminal?: SupdupTerminal }
  /** A problem that did not end the session, with a stable code such as `TELNET_ERR_BAD_IAC`. */
  | { kind: 'warning'; code: string; message: string }
  /**
   * telgate.v2: this socket took over a detached session. `inputReceived` counts every INPUT payload
   * byte the gateway received for the session, so the client resends exactly what it sent after that.
   */
  | { kind: 'resumed'; awayMs: number; inputReceived: number }
  /**
   * telgate.v2: the browser fell behind, so `bytes` of output were not sent; a SCREEN frame with the
   * terminal as it now stands follows.
   */
  | { kind: 'output-skipped'; bytes: number }
  /**
   * telgate.v2: how many observers watch this session read-only now (`/ws?watch=`); sent to the user's
   * page whenever the count changes and after a resume.
   */
  | { kind: 'observers'; count: number };

/**
 * The codes of the `warning` notices that report an automatic sign-in (the gateway answered the host's
 * login prompts with credentials the operator configured): informational when it worked.
 */
export const AUTO_LOGIN_NOTICE = {
  /** "Signed in as <username> automatically". */
  signedIn: 'GW_INFO_AUTO_LOGIN',
  /** "Automatic sign-in failed: <why>"; the user signs in by hand. */
  failed: 'GW_WARN_AUTO_LOGIN_FAILED',
} as const;

export type NoticeKind = Notice['kind'];
export const NOTICE_KINDS: readonly NoticeKind[] = [
  'auto-logout-warning',
  'supdup',
  'warning',
  'resumed',
  'output-skipped',
  'observers',
];

/** Thrown inside validators only; the codec turns it into an error result before returning. */
export class PayloadShapeError extends Error {}

type JsonObject = Record<string, unknown>;

export function readSettingsUpdate(value: unknown, where: string): SettingsUpdate {
  const object = expectObject(value, where);
  const update: SettingsUpdate = {};
  const eol = optionalOneOf(object, 'eol', EOL_MODES, where);
  if (eol !== undefined) update.eol = eol;
  const backspace = optionalOneOf(object, 'backspace', BACKSPACE_KEYS, where);
  if (backspace !== undefined) update.backspace = backspace;
  const localEcho = optionalOneOf(object, 'localEcho', LOCAL_ECHO_MODES, where);
  if (localEcho !== undefined) update.localEcho = localEcho;
  const charset = optionalString(object, 'charset', where, { nonEmpty: true });
  if (charset !== undefined) {
    if (charset.length > MAX_CHARSET_NAME_LENGTH) {
      throw new PayloadShapeError(`${where}.charset must be at most ${MAX_CHARSET_NAME_LENGTH} characters`);
    }
    update.charset = charset;
  }
  return update;
}

export function readEffectiveSettings(value: unknown, where: string): EffectiveSettings {
  const object = expectObject(value, where);
  return {
    eol: requireOneOf(object, 'eol', EOL_MODES, where),
    backspace: requireOneOf(object, 'backspace', BACKSPACE_KEYS, where),
    localEcho: requireOneOf(object, 'localEcho', LOCAL_ECHO_MODES, where),
    charset: requireString(object, 'charset', where, { nonEmpty: true }),
    remoteEcho: requireBoolean(object, 'remoteEcho', where),
  };
}

export function readSessionState(value: unknown, where: string): SessionState {
  const object = expectObject(value, where);
  const state = requireOneOf(object, 'state', CONNECTION_STATES, where);
  const target = field(object, 'target');
  const sessionId = optionalString(object, 'sessionId', where, { nonEmpty: true });
  const result: SessionState = { state };
  if (target !== undefined) result.target = readTarget(target, `${where}.target`);
  if (sessionId !== undefined) result.sessionId = sessionId;

  const code = field(object, 'code');
  const reason = optionalString(object, 'reason', where);
  const resume = field(object, 'resume');
  if (resume !== undefined) {
    if (result.state !== 'connected') {
      throw new PayloadShapeError(`${where}: "resume" is only allowed when "state" is "connected"`);
    }
    result.resume = readResumeInfo(resume, `${where}.resume`);
  }
  if (result.state !== 'closed') {
    if (code !== undefined || reason !== undefined) {
      throw new PayloadShapeError(`${where}: "code" and "reason" are only allowed when "state" is "closed"`);
    }
    return result;
  }
  if (code !== undefined) {
    if (!isGatewayErrorCode(code)) {
      throw new PayloadShapeError(`${where}.code must be a GW_ERR_… code from the close-code table`);
    }
    result.code = code;
  }
  if (reason !== undefined) result.reason = reason;
  return result;
}

function readResumeInfo(value: unknown, where: string): ResumeInfo {
  const object = expectObject(value, where);
  const gateway = field(object, 'gateway');
  if (gateway !== undefined && (typeof gateway !== 'string' || !GATEWAY_ID_PATTERN.test(gateway))) {
    throw new PayloadShapeError(`${where}.gateway must be a gateway id (a-z, 0-9 and -, at most 32)`);
  }
  return {
    credential: requireCredential(object, where),
    graceSeconds: requireCount(object, 'graceSeconds', where),
    ...(gateway !== undefined && { gateway }),
  };
}

export function readResumeRequest(value: unknown, where: string): ResumeRequest {
  return { credential: requireCredential(expectObject(value, where), where) };
}

function requireCredential(object: JsonObject, where: string): string {
  const credential = requireString(object, 'credential', where);
  if (!RESUME_CREDENTIAL_PATTERN.test(credential)) {
    throw new PayloadShapeError(`${where}.credential must be 16 to 256 URL-safe base64 characters`);
  }
  return credential;
}

/** A whole number from 0 to 2⁵³−1 (a count, a duration). */
function requireCount(object: JsonObject, key: string, where: string): number {
  const value = field(object, key);
  if (value === undefined) throw new PayloadShapeError(`${where}.${key} is required`);
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new PayloadShapeError(`${where}.${key} must be a whole number, 0 or more`);
  }
  return value as number;
}

function readTarget(value: unknown, where: string): TargetInfo {
  const object = expectObject(value, where);
  const port = field(object, 'port');
  if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) {
    throw new PayloadShapeError(`${where}.port must be an integer from 1 to 65535`);
  }
  return {
    id: requireString(object, 'id', where, { nonEmpty: true }),
    label: requireString(object, 'label', where),
    host: requireString(object, 'host', where, { nonEmpty: true }),
    port: port as number,
    charset: requireString(object, 'charset', where, { nonEmpty: true }),
    ...readTerminalMode(object),
  };
}

/** A mode this page does not know (a newer gateway's) is left out rather than refused: it is only a hint. */
function readTerminalMode(object: JsonObject): { terminalMode?: TerminalMode } {
  const mode = field(object, 'terminalMode');
  return (TERMINAL_MODES as readonly unknown[]).includes(mode) ? { terminalMode: mode as TerminalMode } : {};
}

export function readNotice(value: unknown, where: string): Notice {
  const object = expectObject(value, where);
  const kind = requireOneOf(object, 'kind', NOTICE_KINDS, where);
  switch (kind) {
    case 'warning':
      return {
        kind,
        code: requireString(object, 'code', where, { nonEmpty: true }),
        message: requireString(object, 'message', where),
      };
    case 'resumed':
      return {
        kind,
        awayMs: requireCount(object, 'awayMs', where),
        inputReceived: requireCount(object, 'inputReceived', where),
      };
    case 'output-skipped':
      return { kind, bytes: requireCount(object, 'bytes', where) };
    case 'observers':
      return { kind, count: requireCount(object, 'count', where) };
    case 'supdup': {
      const terminal = field(object, 'terminal');
      return terminal === undefined
        ? { kind }
        : { kind, terminal: readSupdupTerminal(terminal, `${where}.terminal`) };
    }
    case 'auto-logout-warning':
      return { kind };
  }
}

function readSupdupTerminal(value: unknown, where: string): SupdupTerminal {
  const object = expectObject(value, where);
  const ttyopt = field(object, 'ttyopt');
  if (!Array.isArray(ttyopt) || !ttyopt.every((flag) => typeof flag === 'string')) {
    throw new PayloadShapeError(`${where}.ttyopt must be an array of strings`);
  }
  return {
    cols: requireCount(object, 'cols', where),
    rows: requireCount(object, 'rows', where),
    ttyopt: [...(ttyopt as string[])],
  };
}

function expectObject(value: unknown, where: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new PayloadShapeError(`${where} must be a JSON object`);
  }
  return value as JsonObject;
}

/** An own property only: inherited ones (`constructor`, `toString`…) count as absent. */
function field(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

function optionalOneOf<T extends string>(
  object: JsonObject,
  key: string,
  allowed: readonly T[],
  where: string,
): T | undefined {
  const value = field(object, key);
  if (value === undefined) return undefined;
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new PayloadShapeError(`${where}.${key} must be one of ${allowed.map((v) => `"${v}"`).join(', ')}`);
  }
  return value as T;
}

function requireOneOf<T extends string>(
  object: JsonObject,
  key: string,
  allowed: readonly T[],
  where: string,
): T {
  const value = optionalOneOf(object, key, allowed, where);
  if (value === undefined) throw new PayloadShapeError(`${where}.${key} is required`);
  return value;
}

function optionalString(
  object: JsonObject,
  key: string,
  where: string,
  { nonEmpty = false } = {},
): string | undefined {
  const value = field(object, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || (nonEmpty && value.length === 0)) {
    throw new PayloadShapeError(`${where}.${key} must be a ${nonEmpty ? 'non-empty ' : ''}string`);
  }
  return value;
}

function requireString(
  object: JsonObject,
  key: string,
  where: string,
  options?: { nonEmpty?: boolean },
): string {
  const value = optionalString(object, key, where, options);
  if (value === undefined) throw new PayloadShapeError(`${where}.${key} is required`);
  return value;
}

function requireBoolean(object: JsonObject, key: string, where: string): boolean {
  const value = field(object, key);
  if (value === undefined) throw new PayloadShapeError(`${where}.${key} is required`);
  if (typeof value !== 'boolean') throw new PayloadShapeError(`${where}.${key} must be true or false`);
  return value;
}
