import { useEffect, useState } from 'react';

/**
 * Full screen, where the browser allows it, with the keyboard lock so that Ctrl-W, Ctrl-T and Ctrl-N
 * reach the host instead of closing or opening tabs (Chromium only, and only while full screen).
 */
export function FullScreenButton() {
  const [fullScreen, setFullScreen] = useState(() => document.fullscreenElement !== null);
  useEffect(() => {
    const onChange = () => setFullScreen(document.fullscreenElement !== null);
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, []);
  if (fullScreen || !document.fullscreenEnabled) return null;
  return (
    <button type="button" data-testid="fullscreen" onClick={() => toggleFullScreen()}>
      Full screen
    </button>
  );
}

/** Enters full screen (with the keyboard lock), or leaves it. Needs a user's click or key. */
export function toggleFullScreen(): void {
  if (document.fullscreenElement) {
    void document.exitFullscreen().catch(() => undefined);
    return;
  }
  void document.documentElement
    .requestFullscreen()
    .then(() => lockKeys())
    .catch(() => undefined);
}

interface KeyboardLock {
  lock(keyCodes?: string[]): Promise<void>;
}

async function lockKeys(): Promise<void> {
  const keyboard = (navigator as Navigator & { keyboard?: KeyboardLock }).keyboard;
  await keyboard?.lock(['KeyW', 'KeyT', 'KeyN', 'Tab']).catch(() => undefined);
}
