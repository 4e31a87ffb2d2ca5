/**
 * Which toolbar items and settings a page shows. A kiosk's come from the gateway's `kiosk:` block
 * (GET /api/config `kiosk`); every other page shows them all.
 */

import {
  KIOSK_SETTINGS as SETTING_ITEMS,
  type KioskSetting as SettingItem,
  KIOSK_TOOLBAR_ITEMS as TOOLBAR_ITEMS,
  type KioskToolbarItem as ToolbarItem,
} from '@telgate/protocol';
import type { ConnectionStatus } from '../session/session';

export type { SettingItem, ToolbarItem };

export interface Controls {
  readonly toolbar: ReadonlySet<ToolbarItem>;
  readonly settings: ReadonlySet<SettingItem>;
}

export const ALL_CONTROLS: Controls = { toolbar: new Set(TOOLBAR_ITEMS), settings: new Set(SETTING_ITEMS) };
/** Until a kiosk knows its configuration it offers nothing, so a locked kiosk never flashes its controls. */
export const NO_CONTROLS: Controls = { toolbar: new Set(), settings: new Set() };

/** The controls in GET /api/config `kiosk`; absent means all. Unknown names are ignored. */
export function parseControls(value: unknown): Controls {
  if (typeof value !== 'object' || value === null) return ALL_CONTROLS;
  const { toolbar, settings } = value as { toolbar?: unknown; settings?: unknown };
  return {
    toolbar: Array.isArray(toolbar)
      ? new Set(TOOLBAR_ITEMS.filter((i) => toolbar.includes(i)))
      : ALL_CONTROLS.toolbar,
    settings: Array.isArray(settings)
      ? new Set(SETTING_ITEMS.filter((i) => settings.includes(i)))
      : ALL_CONTROLS.settings,
  };
}

/**
 * Whether the command palette may offer a command (by its id, see commands.ts): the palette opens a
 * way to everything the toolbar does, so it offers only what the toolbar and settings allow. The
 * on-screen keys' Telnet commands follow the same rule (`action-…`).
 */
export function paletteAllows(controls: Controls, id: string): boolean {
  const { toolbar, settings } = controls;
  if (id.startsWith('action-')) {
    const action = id.slice('action-'.length);
    // The rarely needed commands (NOP, EOR, GA) are the palette's own.
    return !(TOOLBAR_ITEMS as readonly string[]).includes(action) || toolbar.has(action as ToolbarItem);
  }
  switch (id) {
    case 'logout':
    case 'search':
    case 'settings':
    case 'fullscreen':
      return toolbar.has(id);
    case 'theme':
    case 'key-bar':
      return settings.has(id);
    case 'font-larger':
    case 'font-smaller':
      return settings.has('font-size');
    default:
      if (id.startsWith('eol-')) return settings.has('eol');
      if (id.startsWith('backspace-')) return settings.has('backspace');
      if (id.startsWith('localEcho-')) return settings.has('local-echo');
      return true;
  }
}

/**
 * What a key typed in the terminal does: it goes to the host; on a closed session Enter reconnects (as
 * the banner's button does) and anything else goes nowhere; on a page watching another's session
 * read-only nothing typed goes to the host.
 */
export function typedKeyEffect(
  phase: ConnectionStatus['phase'],
  readOnly: boolean,
  data: string,
): 'send' | 'reconnect' | 'ignore' {
  if (phase === 'closed') return data === '\r' ? 'reconnect' : 'ignore';
  return readOnly ? 'ignore' : 'send';
}
