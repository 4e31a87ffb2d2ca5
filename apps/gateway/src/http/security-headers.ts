import helmet from '@fastify/helmet';
import fp from 'fastify-plugin';
import type { SecurityConfig } from '../config/types.js';

/**
 * The Content-Security-Policy of every response. Scripts only from the gateway itself: no inline
 * script, no eval. Styles allow 'unsafe-inline' because xterm.js writes its theme, cell metrics and
 * scrollbar rules into <style> elements at run time, which no nonce or hash can cover; style injection
 * cannot run code. `connect-src 'self'` covers the page's own ws:/wss: origin.
 */
export function contentSecurityPolicy(frameAncestors: readonly string[]): Record<string, string[]> {
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: [...frameAncestors],
  };
}

/**
 * Security headers (helmet) on every response. Framing is governed by CSP frame-ancestors from
 * security.frameAncestors; X-Frame-Options, which cannot name other origins, is only sent while
 * framing is limited to the gateway's own pages. HSTS is left to the TLS-terminating proxy: on plain
 * http://localhost it would only get in the way.
 */
export const securityHeaders = fp<{ security: SecurityConfig }>(
  async (app, { security }) => {
    const sameOriginOnly = security.frameAncestors.every(
      (source) => source === "'self'" || source === "'none'",
    );
    await app.register(helmet, {
      global: true,
      contentSecurityPolicy: {
        useDefaults: false,
        directives: contentSecurityPolicy(security.frameAncestors),
      },
      strictTransportSecurity: false,
      xFrameOptions: sameOriginOnly
        ? { action: security.frameAncestors.includes("'none'") ? 'deny' : 'sameorigin' }
        : false,
    });
  },
  { name: 'telgate-security-headers' },
);
