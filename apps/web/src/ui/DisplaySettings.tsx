import { CUSTOM_FONT_MAX, FONT_FAMILIES, type FontFamilyId, type Preferences } from '../app/preferences';

interface PreferenceFieldProps {
  readonly preferences: Preferences;
  readonly onPreferences: (preferences: Preferences) => void;
}

/** Settings → Display → Font: a monospace font found on most systems, or a list of names typed in. */
export function FontFamilyField({ preferences, onPreferences }: PreferenceFieldProps) {
  return (
    <>
      <label>
        Font
        <select
          data-testid="setting-font-family"
          value={preferences.fontFamily}
          onChange={(event) =>
            onPreferences({ ...preferences, fontFamily: event.target.value as FontFamilyId })
          }
        >
          {FONT_FAMILIES.map(({ id, label }) => (
            <option key={id} value={id}>
              {label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {preferences.fontFamily === 'custom' ? (
        <label>
          Font names
          <input
            type="text"
            className="settings-wide"
            maxLength={CUSTOM_FONT_MAX}
            placeholder="Iosevka, monospace"
            spellCheck={false}
            data-testid="setting-custom-font"
            value={preferences.customFont ?? ''}
            onChange={(event) => onPreferences({ ...preferences, customFont: event.target.value })}
          />
        </label>
      ) : null}
    </>
  );
}

/**
 * Settings → Accessibility: xterm.js's screen-reader mode. Always offered, also where a kiosk's
 * configuration hides the other settings.
 */
export function ScreenReaderField({ preferences, onPreferences }: PreferenceFieldProps) {
  return (
    <fieldset>
      <legend>Accessibility</legend>
      <label>
        Screen reader mode
        <input
          type="checkbox"
          data-testid="setting-screen-reader"
          checked={preferences.screenReader}
          onChange={(event) => onPreferences({ ...preferences, screenReader: event.target.checked })}
        />
      </label>
    </fieldset>
  );
}
