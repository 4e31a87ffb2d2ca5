/**
 * Debian's Chromium as the end-to-end tests and the browser benchmark launch it: never a downloaded
 * browser, and no background traffic (updates, sync, QUIC), no GPU.
 */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

export const CHROMIUM_ARGS: readonly string[] = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
