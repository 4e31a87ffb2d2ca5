import { type SettingsUpdate, TERMINAL_MODES, type TerminalMode } from '@telgate/protocol';
import type { Preferences } from '../app/preferences';
import { browserStorage } from '../app/storage';
import { charsetForMode, saveTerminalMode } from '../app/terminal-mode';
import type { SessionSnapshot } from '../session/session';
import { TERMINAL_COLORS, type TerminalColors } from '../terminal/themes';
import { CharsetSelect } from './CharsetSelect';
import type { SettingItem } from './controls';
import { useTerminalMode } from './terminal-mode-hooks';

const MODE_LABELS: Readonly<Record<TerminalMode, string>> = {
  normal: 'Normal',
  bbs: 'BBS (PC glyphs, VGA colours)',
  mud: 'MUD (line editing, history)',
};

const COLOR_LABELS: Readonly<Record<TerminalColors, string>> = {
  auto: 'Automatic (VGA in BBS mode)',
  theme: 'The theme’s',
  vga: 'VGA (16 colours)',
};

interface TerminalSettingsProps {
  readonly snapshot: SessionSnapshot;
  readonly onUpdate: (update: SettingsUpdate) => void;
  readonly preferences: Preferences;
  readonly onPreferences: (preferences: Preferences) => void;
  readonly shown: ReadonlySet<SettingItem>;
}

/** The host's charset (applies at once), how the terminal presents it (per host), and its colours. */
export function TerminalSettings({
  snapshot,
  onUpdate,
  preferences,
  onPreferences,
  shown,
}: TerminalSettingsProps) {
  const mode = useTerminalMode(snapshot);
  const settings = snapshot.settings;
  const requested = snapshot.requested;
  const offline = snapshot.status.phase !== 'connected' || !settings;
  if (!shown.has('charset') && !shown.has('terminal-mode') && !shown.has('theme')) return null;
  return (
    <fieldset>
      <legend>Terminal</legend>
      {shown.has('charset') ? (
        <label htmlFor="setting-charset">
          Character set
          <CharsetSelect
            id="setting-charset"
            testId="setting-charset"
            value={settings?.charset ?? 'UTF-8'}
            disabled={offline}
            onChange={(charset) => onUpdate({ charset })}
          />
        </label>
      ) : null}
      {shown.has('terminal-mode') ? (
        <label>
          Mode
          <select
            data-testid="setting-terminal-mode"
            value={mode}
            disabled={!requested}
            onChange={(event) => {
              if (!requested) return;
              const next = event.target.value as TerminalMode;
              saveTerminalMode(browserStorage(), requested, next);
              const charset = settings ? charsetForMode(next, settings.charset) : undefined;
              if (charset && !offline) onUpdate({ charset });
            }}
          >
            {TERMINAL_MODES.map((value) => (
              <option key={value} value={value}>
                {MODE_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {shown.has('theme') ? (
        <label>
          Colours
          <select
            data-testid="setting-terminal-colors"
            value={preferences.terminalColors ?? 'auto'}
            onChange={(event) =>
              onPreferences({ ...preferences, terminalColors: event.target.value as TerminalColors })
            }
          >
            {TERMINAL_COLORS.map((value) => (
              <option key={value} value={value}>
                {COLOR_LABELS[value]}
              </option>
            ))}
          </select>
        </label>
      ) : null}
    </fieldset>
  );
}
