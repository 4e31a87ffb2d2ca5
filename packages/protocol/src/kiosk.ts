/**
 * What a kiosk page may show, by name: the gateway's `kiosk:` configuration lists these, GET /api/config
 * hands the lists to the page, and the page shows only what they name.
 */

/** The toolbar's Telnet commands and the page's own controls. */
export const KIOSK_TOOLBAR_ITEMS = [
  'logout',
  'interrupt',
  'break',
  'are-you-there',
  'abort-output',
  'synch',
  'erase-char',
  'erase-line',
  'search',
  'settings',
  'commands',
  'fullscreen',
] as const;
export type KioskToolbarItem = (typeof KIOSK_TOOLBAR_ITEMS)[number];

/** The fields of the settings panel. */
export const KIOSK_SETTINGS = [
  'eol',
  'backspace',
  'local-echo',
  'charset',
  'terminal-mode',
  'paste',
  'font-size',
  'theme',
  'key-bar',
  'scrollback',
] as const;
export type KioskSetting = (typeof KIOSK_SETTINGS)[number];
