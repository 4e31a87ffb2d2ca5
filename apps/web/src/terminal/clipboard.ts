/**
 * Copy and paste that work wherever the browser lets them, and say why where it does not. The Clipboard
 * API exists only in a secure context (HTTPS, or http://localhost and loopback addresses): a gateway
 * served over plain HTTP on a LAN address has none. There, copy falls back to `execCommand('copy')` on
 * a hidden textarea (allowed while handling a click or a key), and paste to the browser's own paste
 * (Ctrl-Shift-V, Cmd-V, the browser's menu), whose paste event carries the text without any permission.
 */

export interface ClipboardEnv {
  /** `window.isSecureContext`. */
  readonly secure: boolean;
  /** `navigator.clipboard`, absent outside a secure context. */
  readonly clipboard?: {
    readonly writeText?: (text: string) => Promise<void>;
    readonly readText?: () => Promise<string>;
  };
  /** Copies with `execCommand('copy')`; false when the browser refused (no user gesture, no support). */
  readonly execCopy?: (text: string) => boolean;
}

export type CopyMethod = 'clipboard-api' | 'exec-command' | 'none';
/** `native`: only the browser's own paste (its shortcut or menu) can paste here. */
export type PasteMethod = 'clipboard-api' | 'native';

export function copyMethod(env: ClipboardEnv): CopyMethod {
  if (env.secure && env.clipboard?.writeText) return 'clipboard-api';
  if (env.execCopy) return 'exec-command';
  return 'none';
}

export function pasteMethod(env: ClipboardEnv): PasteMethod {
  return env.secure && env.clipboard?.readText ? 'clipboard-api' : 'native';
}

/** Where the shortcuts differ: Cmd on a Mac, Ctrl-Shift elsewhere. */
function shortcut(mac: boolean, key: 'C' | 'V'): string {
  return mac ? `Cmd-${key}` : `Ctrl-Shift-${key}`;
}

/** Why copying did not work, and what works instead. */
export function copyProblem(env: ClipboardEnv, mac = false): string {
  return env.secure
    ? `The browser did not let the page copy: allow clipboard access for this site, or select the text and use ${shortcut(mac, 'C')}.`
    : `Copy needs HTTPS or localhost: this page is served over plain HTTP, where the browser keeps the clipboard from it. Select the text and use ${shortcut(mac, 'C')}, or Shift-right-click → Copy; for copy on select, serve the gateway over HTTPS.`;
}

/** Why pasting from a button or the palette did not work, and what works instead. */
export function pasteProblem(env: ClipboardEnv, mac = false): string {
  return env.secure
    ? `The browser did not let the page read the clipboard: allow clipboard access for this site, or press ${shortcut(mac, 'V')} in the terminal.`
    : `Paste from a button needs HTTPS or localhost: press ${shortcut(mac, 'V')} in the terminal, or Shift-right-click → Paste.`;
}

/**
 * Copies `text` by the best method there is: the Clipboard API, else (or when it refuses, e.g. without
 * focus) `execCommand('copy')`. Resolves to whether the text is on the clipboard.
 */
export async function copyText(text: string, env: ClipboardEnv): Promise<boolean> {
  if (copyMethod(env) === 'clipboard-api') {
    try {
      await env.clipboard?.writeText?.(text);
      return true;
    } catch {
      // Refused (no focus, no permission): the fallback may still work within the same gesture.
    }
  }
  try {
    return env.execCopy?.(text) ?? false;
  } catch {
    return false;
  }
}

/** Reads the clipboard where the page may; undefined where only the browser's own paste can. */
export async function readText(env: ClipboardEnv): Promise<string | undefined> {
  if (pasteMethod(env) !== 'clipboard-api') return undefined;
  try {
    return (await env.clipboard?.readText?.()) ?? undefined;
  } catch {
    return undefined;
  }
}

/** `execCommand('copy')` on a hidden textarea, giving the focus back to where it was. */
export function execCommandCopy(doc: Document): ((text: string) => boolean) | undefined {
  if (typeof doc.execCommand !== 'function') return undefined;
  return (text) => {
    const previous = doc.activeElement as HTMLElement | null;
    const area = doc.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.setAttribute('aria-hidden', 'true');
    area.style.position = 'fixed';
    area.style.top = '0';
    area.style.left = '0';
    area.style.opacity = '0';
    area.style.pointerEvents = 'none';
    doc.body.appendChild(area);
    try {
      area.select();
      return doc.execCommand('copy');
    } finally {
      area.remove();
      previous?.focus({ preventScroll: true });
    }
  };
}

/** This browser's clipboard, as it is on this page. */
export function browserClipboard(): ClipboardEnv {
  const execCopy = execCommandCopy(document);
  return {
    secure: window.isSecureContext,
    ...(navigator.clipboard ? { clipboard: navigator.clipboard } : {}),
    ...(execCopy ? { execCopy } : {}),
  };
}

export function isMac(): boolean {
  return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
}
