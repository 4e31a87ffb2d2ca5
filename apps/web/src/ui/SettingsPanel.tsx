import { BACKSPACE_KEYS, EOL_MODES, LOCAL_ECHO_MODES, type SettingsUpdate } from '@telgate/protocol';
import { useEffect, useRef, useState } from 'react';
import { loadPasteSettings, savePasteSettings } from '../app/paste-settings';
import { FONT_SIZE_MAX, FONT_SIZE_MIN, type Preferences, SCROLLBACK_CHOICES } from '../app/preferences';
import { browserStorage } from '../app/storage';
import type { SessionSnapshot } from '../session/session';
import {
  MAX_CHAR_DELAY_MS,
  MAX_LINE_DELAY_MS,
  PASTE_WAITS,
  type PasteSettings,
  type PasteWait,
} from '../terminal/paced-paste';
import { BACKSPACE_LABELS, EOL_LABELS, LOCAL_ECHO_LABELS } from './commands';
import { ALL_CONTROLS, type SettingItem } from './controls';
import { FontFamilyField, ScreenReaderField } from './DisplaySettings';
import { TerminalSettings } from './TerminalSettings';

interface SettingsPanelProps {
  readonly snapshot: SessionSnapshot;
  readonly onUpdate: (update: SettingsUpdate) => void;
  readonly preferences: Preferences;
  readonly onPreferences: (preferences: Preferences) => void;
  readonly keyBarVisible: boolean;
  readonly onClose: () => void;
  /** The fields shown (a kiosk's configuration can leave some out); all unless given. */
  readonly shown?: ReadonlySet<SettingItem>;
}

/**
 * Session settings (sent to the gateway as SETTINGS, shown as the gateway confirms them) and this
 * browser's preferences (font size, theme, key bar).
 */
export function SettingsPanel({
  snapshot,
  onUpdate,
  preferences,
  onPreferences,
  keyBarVisible,
  onClose,
  shown = ALL_CONTROLS.settings,
}: SettingsPanelProps) {
  const panel = useRef<HTMLDivElement>(null);
  // The latest onClose, so the listeners below are set up once rather than on every render.
  const close = useRef(onClose);
  close.current = onClose;
  const settings = snapshot.settings;
  const offline = snapshot.status.phase !== 'connected' || !settings;

  useEffect(() => {
    panel.current?.querySelector<HTMLElement>('select, button')?.focus();
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') close.current();
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Node;
      if (
        panel.current &&
        !panel.current.contains(target) &&
        !(target as Element).closest?.('[data-testid="settings-toggle"]')
      ) {
        close.current();
      }
    };
    window.addEventListener('keydown', onKey);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, []);

  const fontSize = (delta: number) =>
    onPreferences({
      ...preferences,
      fontSize: Math.min(FONT_SIZE_MAX, Math.max(FONT_SIZE_MIN, preferences.fontSize + delta)),
    });

  return (
    <div
      ref={panel}
      className="settings-panel"
      role="dialog"
      aria-label="Settings"
      data-testid="settings-panel"
    >
      {shown.has('eol') || shown.has('backspace') || shown.has('local-echo') ? (
        <fieldset disabled={offline}>
          <legend>Session</legend>
          {shown.has('eol') ? (
            <label>
              Enter sends
              <select
                data-testid="setting-eol"
                value={settings?.eol ?? ''}
                onChange={(event) => onUpdate({ eol: event.target.value as (typeof EOL_MODES)[number] })}
              >
                {settings ? null : <option value="">—</option>}
                {EOL_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {EOL_LABELS[mode]}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {shown.has('backspace') ? (
            <label>
              Backspace sends
              <select
                data-testid="setting-backspace"
                value={settings?.backspace ?? ''}
                onChange={(event) =>
                  onUpdate({ backspace: event.target.value as (typeof BACKSPACE_KEYS)[number] })
                }
              >
                {settings ? null : <option value="">—</option>}
                {BACKSPACE_KEYS.map((key) => (
                  <option key={key} value={key}>
                    {BACKSPACE_LABELS[key]}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          {shown.has('local-echo') ? (
            <label>
              Local echo
              <select
                data-testid="setting-local-echo"
                value={settings?.localEcho ?? ''}
                onChange={(event) =>
                  onUpdate({ localEcho: event.target.value as (typeof LOCAL_ECHO_MODES)[number] })
                }
              >
                {settings ? null : <option value="">—</option>}
                {LOCAL_ECHO_MODES.map((mode) => (
                  <option key={mode} value={mode}>
                    {LOCAL_ECHO_LABELS[mode]}
                  </option>
                ))}
              </select>
            </label>
          ) : null}
          <p className="settings-note" data-testid="setting-remote-echo">
            {settings
              ? settings.remoteEcho
                ? 'The host echoes what you type.'
                : 'The host does not echo.'
              : ''}
          </p>
        </fieldset>
      ) : null}
      <TerminalSettings {...{ snapshot, onUpdate, preferences, onPreferences, shown }} />
      {shown.has('paste') ? <PasteFieldset snapshot={snapshot} /> : null}
      {shown.has('font-size') || shown.has('theme') || shown.has('key-bar') || shown.has('scrollback') ? (
        <fieldset>
          <legend>Display</legend>
          {shown.has('font-size') ? (
            <div className="settings-row">
              <span>Font size</span>
              <button
                type="button"
                data-testid="font-smaller"
                aria-label="Smaller font"
                onClick={() => fontSize(-1)}
              >
                A−
              </button>
              <output data-testid="font-size">{preferences.fontSize}</output>
              <button
                type="button"
                data-testid="font-larger"
                aria-label="Larger font"
                onClick={() => fontSize(1)}
              >
                A+
              </button>
            </div>
          ) : null}
          {shown.has('font-size') ? (
            <FontFamilyField preferences={preferences} onPreferences={onPreferences} />
          ) : null}
          {shown.has('theme') ? (
            <div className="settings-row">
              <span>Theme</span>
              <button
                type="button"
                data-testid="theme-toggle"
                onClick={() =>
                  onPreferences({ ...preferences, theme: preferences.theme === 'dark' ? 'light' : 'dark' })
                }
              >
                {preferences.theme === 'dark' ? 'Dark' : 'Light'}
              </button>
            </div>
          ) : null}
          {shown.has('key-bar') ? (
            <div className="settings-row">
              <span>On-screen keys</span>
              <button
                type="button"
                data-testid="keybar-toggle"
                aria-pressed={keyBarVisible}
                onClick={() => onPreferences({ ...preferences, keyBar: !keyBarVisible })}
              >
                {keyBarVisible ? 'Shown' : 'Hidden'}
              </button>
            </div>
          ) : null}
          {shown.has('scrollback') ? (
            <label>
              Scrollback
              <select
                data-testid="setting-scrollback"
                value={preferences.scrollback}
                onChange={(event) =>
                  onPreferences({ ...preferences, scrollback: Number(event.target.value) })
                }
              >
                {SCROLLBACK_CHOICES.map((lines) => (
                  <option key={lines} value={lines}>
                    {lines.toLocaleString('en-US')} lines
                  </option>
                ))}
              </select>
            </label>
          ) : null}
        </fieldset>
      ) : null}
      <ScreenReaderField preferences={preferences} onPreferences={onPreferences} />
    </div>
  );
}

const PASTE_WAIT_LABELS: Readonly<Record<PasteWait, string>> = {
  none: 'Nothing',
  echo: 'The echo of the line',
  prompt: 'The prompt',
};

/** How pastes of several lines are paced for this host (kept in this browser, per host). */
function PasteFieldset({ snapshot }: { snapshot: SessionSnapshot }) {
  const target = snapshot.requested;
  const [settings, setSettings] = useState(() => loadPasteSettings(browserStorage(), target));
  const update = (change: Partial<PasteSettings>) => {
    if (!target) return;
    savePasteSettings(browserStorage(), target, change);
    setSettings(loadPasteSettings(browserStorage(), target));
  };
  const delay = (value: string, max: number) => Math.min(max, Math.max(0, Math.round(Number(value) || 0)));
  return (
    <fieldset disabled={!target}>
      <legend>Paste</legend>
      <label>
        Line delay (ms)
        <input
          type="number"
          min={0}
          max={MAX_LINE_DELAY_MS}
          step={10}
          data-testid="setting-paste-line-delay"
          value={settings.lineDelayMs}
          onChange={(event) => update({ lineDelayMs: delay(event.target.value, MAX_LINE_DELAY_MS) })}
        />
      </label>
      <label>
        Character delay (ms)
        <input
          type="number"
          min={0}
          max={MAX_CHAR_DELAY_MS}
          data-testid="setting-paste-char-delay"
          value={settings.charDelayMs}
          onChange={(event) => update({ charDelayMs: delay(event.target.value, MAX_CHAR_DELAY_MS) })}
        />
      </label>
      <label>
        Before the next line, wait for
        <select
          data-testid="setting-paste-wait"
          value={settings.waitFor}
          onChange={(event) => update({ waitFor: event.target.value as PasteWait })}
        >
          {PASTE_WAITS.map((wait) => (
            <option key={wait} value={wait}>
              {PASTE_WAIT_LABELS[wait]}
            </option>
          ))}
        </select>
      </label>
      {settings.waitFor === 'prompt' ? (
        <label>
          Prompt ends with
          <input
            type="text"
            maxLength={64}
            placeholder="#"
            data-testid="setting-paste-prompt"
            value={settings.prompt}
            onChange={(event) => update({ prompt: event.target.value })}
          />
        </label>
      ) : null}
    </fieldset>
  );
}
