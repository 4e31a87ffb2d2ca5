/**
 * The postMessage API of the embedded terminal (/embed). The parent page drives the terminal with
 * commands and hears what happens through events. Both directions are limited to the parent origins
 * the gateway allows (GET /api/config `embedAllowedOrigins`) and the gateway's own origin: a page the
 * operator did not list can neither type into the session nor read its title or state.
 */

import { type LogoutResult, normalizeOrigin, originOfUrl } from '@telgate/protocol';
import type { Theme } from '../terminal/themes';

/** Messages from the parent page. */
export type ParentCommand =
  /** Connect (or reconnect), optionally with a fresh access token. */
  | { type: 'telgate:connect'; token?: string }
  /**
   * A fresh access token, the answer to `telgate:token-expired`: the session opens with it if the
   * terminal was waiting for one; otherwise it is kept for the next connect.
   */
  | { type: 'telgate:token'; token: string }
  | { type: 'telgate:disconnect' }
  | { type: 'telgate:logout' }
  /** Text as if typed: "\r" is Enter. */
  | { type: 'telgate:send'; text: string }
  | { type: 'telgate:focus' }
  | { type: 'telgate:set-theme'; theme: Theme };

/** Messages to the parent page. */
export type EmbedEvent =
  | { type: 'telgate:ready' }
  | { type: 'telgate:connected'; target: string; sessionId: string | null }
  /** `code`: a GW_ERR_… or WEB_ERR_… code, null after a normal close; `reason`: plain words. */
  | { type: 'telgate:closed'; code: string | null; reason: string; closeCode: number | null }
  | { type: 'telgate:title'; title: string }
  /**
   * The gateway refused the access token (expired, or not valid for this target): the terminal waits
   * for a fresh one (`telgate:token`) and then connects with it.
   */
  | { type: 'telgate:token-expired'; code: string; reason: string }
  | { type: 'telgate:logout'; result: LogoutResult }
  /** The connection was lost; the session lives on at the gateway and the terminal is getting it back. */
  | { type: 'telgate:detached' }
  /** The session is back (after `telgate:detached`, or after the frame was reloaded); `awayMs`: how long it was away. */
  | { type: 'telgate:resumed'; awayMs: number };

const PREFIX = 'telgate:';

/**
 * Whether a parent at `origin` may talk to this terminal: the gateway's own origin, or one listed
 * exactly. There is no wildcard: letting any site type into a user's session is never intended.
 */
export function isTrustedOrigin(origin: string, allowed: readonly string[], ownOrigin: string): boolean {
  const normalized = normalizeOrigin(origin);
  if (normalized === undefined) return false;
  if (normalized === normalizeOrigin(ownOrigin)) return true;
  return allowed.some((entry) => normalizeOrigin(entry) === normalized);
}

export interface ParentHints {
  /** location.ancestorOrigins (Chromium, Safari): [0] is the direct parent. */
  readonly ancestorOrigins?: ArrayLike<string>;
  /** document.referrer: the parent's URL when it loaded the frame (if its referrer policy allows). */
  readonly referrer: string;
}

/**
 * The parent's origin, when the browser tells it up front and it is trusted. Otherwise undefined, and
 * the bridge learns it from the parent's first command.
 */
export function resolveParentOrigin(
  hints: ParentHints,
  allowed: readonly string[],
  ownOrigin: string,
): string | undefined {
  // ancestorOrigins holds origins; a referrer is a whole URL, whose origin is the parent's.
  const origin = hints.ancestorOrigins?.length
    ? normalizeOrigin(hints.ancestorOrigins[0] as string)
    : hints.referrer
      ? originOfUrl(hints.referrer)
      : undefined;
  return origin !== undefined && isTrustedOrigin(origin, allowed, ownOrigin) ? origin : undefined;
}

/**
 * Reads a message from the parent. Messages that are not for telgate (no "telgate:" type) give
 * undefined; malformed telgate messages give an error saying what is wrong.
 */
export function parseParentCommand(data: unknown): ParentCommand | { error: string } | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const message = data as Record<string, unknown>;
  const type = message.type;
  if (typeof type !== 'string' || !type.startsWith(PREFIX)) return undefined;
  switch (type) {
    case 'telgate:connect': {
      const token = message.token;
      if (token === undefined) return { type };
      if (typeof token !== 'string' || token === '')
        return { error: 'telgate:connect token must be a non-empty string' };
      return { type, token };
    }
    case 'telgate:token': {
      const token = message.token;
      if (typeof token !== 'string' || token === '')
        return { error: 'telgate:token token must be a non-empty string' };
      return { type, token };
    }
    case 'telgate:disconnect':
    case 'telgate:logout':
    case 'telgate:focus':
      return { type };
    case 'telgate:send': {
      const text = message.text;
      if (typeof text !== 'string') return { error: 'telgate:send needs a string "text"' };
      return { type, text };
    }
    case 'telgate:set-theme': {
      const theme = message.theme;
      if (theme !== 'light' && theme !== 'dark')
        return { error: 'telgate:set-theme theme must be "light" or "dark"' };
      return { type, theme };
    }
    default:
      return { error: `unknown command ${JSON.stringify(type)}` };
  }
}

export interface MessageLike {
  readonly origin: string;
  readonly source: unknown;
  readonly data: unknown;
}

export interface ParentWindow {
  postMessage(message: unknown, targetOrigin: string): void;
}

export interface BridgeOptions {
  /** The parent window (window.parent). */
  readonly parent: ParentWindow;
  readonly allowedOrigins: readonly string[];
  /** This page's origin (location.origin). */
  readonly ownOrigin: string;
  readonly hints: ParentHints;
  readonly onCommand: (command: ParentCommand) => void;
  /** Malformed commands from a trusted parent are reported here (console.warn by default). */
  readonly warn?: (message: string) => void;
}

/** Events held until the parent's origin is known; the oldest are dropped beyond this. */
const MAX_QUEUED = 32;

/**
 * Talks to the parent page. Events are posted to the parent's exact origin, never to "*". When the
 * browser does not reveal that origin up front, events wait until the parent's first command.
 */
export class EmbedBridge {
  private parentOrigin: string | undefined;
  private queue: EmbedEvent[] = [];

  constructor(private readonly options: BridgeOptions) {
    this.parentOrigin = resolveParentOrigin(options.hints, options.allowedOrigins, options.ownOrigin);
  }

  /** The origin events go to, once known. */
  get origin(): string | undefined {
    return this.parentOrigin;
  }

  post(event: EmbedEvent): void {
    if (this.parentOrigin === undefined) {
      this.queue = [...this.queue, event].slice(-MAX_QUEUED);
      return;
    }
    this.options.parent.postMessage(event, this.parentOrigin);
  }

  /** Handles a `message` event of this window; anything not from the trusted parent is ignored. */
  receive(event: MessageLike): void {
    if (event.source !== this.options.parent) return;
    if (!isTrustedOrigin(event.origin, this.options.allowedOrigins, this.options.ownOrigin)) return;
    const command = parseParentCommand(event.data);
    if (command === undefined) return;
    if ('error' in command) {
      (this.options.warn ?? console.warn)(
        `telgate: ignored a message from ${event.origin}: ${command.error}`,
      );
      return;
    }
    if (this.parentOrigin === undefined) {
      this.parentOrigin = normalizeOrigin(event.origin);
      const queued = this.queue;
      this.queue = [];
      for (const queuedEvent of queued) this.post(queuedEvent);
    }
    this.options.onCommand(command);
  }
}
