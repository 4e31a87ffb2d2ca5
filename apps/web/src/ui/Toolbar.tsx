import { type ReactNode, useEffect, useRef, useState } from 'react';
import type { Preferences } from '../app/preferences';
import type { SessionSnapshot, TelgateSession } from '../session/session';
import { TELNET_ACTIONS } from './commands';
import { ALL_CONTROLS, type Controls, type ToolbarItem } from './controls';
import { useMediaQuery } from './hooks';
import { SettingsPanel } from './SettingsPanel';
import { StatusIndicator } from './StatusIndicator';

export interface ToolbarProps {
  readonly session: TelgateSession;
  readonly snapshot: SessionSnapshot;
  /** `slim`: the embedded terminal's bar, with the essentials only. */
  readonly slim?: boolean;
  readonly preferences: Preferences;
  readonly onPreferences: (preferences: Preferences) => void;
  readonly keyBarVisible: boolean;
  readonly onToggleSearch: () => void;
  readonly onOpenPalette: () => void;
  /** Save the terminal's text as a file (absent: not offered). */
  readonly onSaveText?: () => void;
  readonly settingsOpen: boolean;
  readonly onSettingsOpen: (open: boolean) => void;
  readonly inspectorOpen?: boolean;
  readonly onToggleInspector?: () => void;
  /** Offer Disconnect (not in a kiosk, which would only reconnect). */
  readonly canDisconnect?: boolean;
  /** Leave the session for the connect screen (standalone only). */
  readonly onBack?: () => void;
  /** What the bar offers (a kiosk's configuration can lock it down); everything unless given. */
  readonly controls?: Controls;
  /** Extra content after the status (the kiosk's reconnect countdown). */
  readonly children?: ReactNode;
}

/**
 * Below this width the bar is one row: the status, and a "⋯" menu with the commands and controls.
 * The embedded terminal's slim bar is always one row.
 */
export const COMPACT_TOOLBAR_QUERY = '(max-width: 75rem)';

export function Toolbar(props: ToolbarProps) {
  const { session, snapshot, slim = false } = props;
  const { settingsOpen, onSettingsOpen } = props;
  const connected = snapshot.status.phase === 'connected';
  // SUPDUP has no Telnet commands: they stay in place, disabled, with a tooltip saying why.
  const supdup = snapshot.supdup !== undefined;
  const charset = snapshot.settings?.charset ?? snapshot.target?.charset;
  const { toolbar } = props.controls ?? ALL_CONTROLS;
  const actions = (
    slim ? TELNET_ACTIONS.filter((entry) => entry.action === 'interrupt') : TELNET_ACTIONS
  ).filter((entry) => toolbar.has(entry.action as ToolbarItem));
  const compact = useMediaQuery(COMPACT_TOOLBAR_QUERY) || slim;
  const [menuOpen, setMenuOpen] = useState(false);
  const menu = useRef<HTMLDivElement>(null);
  // Also while the page is getting a lost session back: the user may rather end it.
  const live = connected || snapshot.status.phase === 'reconnecting';
  const canDisconnect = live && !slim && props.canDisconnect !== false;
  const anyControl =
    actions.length > 0 ||
    (['logout', 'search', 'settings', 'commands'] as const).some((item) => toolbar.has(item)) ||
    props.onToggleInspector !== undefined ||
    props.onSaveText !== undefined ||
    props.onBack !== undefined ||
    canDisconnect;
  const open = compact && menuOpen;

  // The menu closes on Escape, on a press outside it, and once one of its buttons did its work.
  useEffect(() => {
    if (!open) return;
    // Escape closes the menu before the terminal (which has the focus) would send it to the host.
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      event.preventDefault();
      event.stopPropagation();
      setMenuOpen(false);
    };
    const onPointer = (event: PointerEvent) => {
      const target = event.target as Element;
      if (!menu.current?.contains(target) && !target.closest?.('[data-testid="toolbar-more"]'))
        setMenuOpen(false);
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onPointer);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  const actionsBar = (
    <div className="toolbar-actions" role="toolbar" aria-label="Telnet commands">
      {toolbar.has('logout') ? (
        <button
          type="button"
          data-testid="action-logout"
          data-ends-session="true"
          title="Ask the host to log you out (Telnet LOGOUT, RFC 727)"
          disabled={!connected || snapshot.logout === 'pending'}
          onClick={() => session.logout()}
        >
          Logout
        </button>
      ) : null}
      {actions.map(({ action, label, hint }) => (
        <button
          key={action}
          type="button"
          data-testid={`action-${action}`}
          title={supdup ? `${hint} — not in SUPDUP: this is a Telnet command` : hint}
          disabled={!connected || supdup}
          onClick={() => session.sendAction(action)}
        >
          {label}
        </button>
      ))}
    </div>
  );
  const controlButtons = (
    <>
      {toolbar.has('search') ? (
        <button
          type="button"
          data-testid="search-toggle"
          title="Find (Ctrl-Shift-F)"
          aria-label="Find"
          onClick={props.onToggleSearch}
        >
          ⌕
        </button>
      ) : null}
      {props.onSaveText ? (
        <button
          type="button"
          data-testid="save-text"
          title="Save session text"
          aria-label="Save session text"
          onClick={props.onSaveText}
        >
          {/* The menu has room to say it; the bar has the icon. */}
          {compact ? 'Save session text…' : '⤓'}
        </button>
      ) : null}
      {props.onToggleInspector ? (
        <button
          type="button"
          data-testid="inspector-toggle"
          aria-pressed={props.inspectorOpen}
          title="Negotiation inspector"
          onClick={props.onToggleInspector}
        >
          Inspector
        </button>
      ) : null}
      {toolbar.has('settings') ? (
        <button
          type="button"
          data-testid="settings-toggle"
          aria-expanded={settingsOpen}
          title="Settings"
          onClick={() => onSettingsOpen(!settingsOpen)}
        >
          Settings
        </button>
      ) : null}
      {toolbar.has('commands') ? (
        <button
          type="button"
          data-testid="palette-open"
          title="All commands (Ctrl-])"
          onClick={props.onOpenPalette}
        >
          Commands
        </button>
      ) : null}
      {props.onBack ? (
        <button type="button" data-testid="back-to-targets" onClick={props.onBack}>
          Targets
        </button>
      ) : null}
      {canDisconnect ? (
        <button
          type="button"
          data-testid="disconnect"
          data-ends-session="true"
          onClick={() => session.disconnect()}
        >
          Disconnect
        </button>
      ) : null}
    </>
  );

  return (
    <header
      className={`toolbar${slim ? ' toolbar-slim' : ''}${compact ? ' toolbar-compact' : ''}`}
      data-testid="toolbar"
    >
      <div className="toolbar-start">
        {slim ? null : (
          <span className="brand" aria-hidden="true">
            telgate
          </span>
        )}
        <StatusIndicator snapshot={snapshot} />
        {charset ? (
          <span className="badge" data-testid="charset" title="The host’s character set">
            {charset}
          </span>
        ) : null}
        {props.children}
      </div>
      {compact ? null : actionsBar}
      <div className="toolbar-end">
        {compact ? (
          anyControl ? (
            <button
              type="button"
              className="toolbar-more"
              data-testid="toolbar-more"
              aria-haspopup="menu"
              aria-expanded={open}
              title="Commands and settings"
              aria-label="More"
              onClick={() => setMenuOpen(!menuOpen)}
            >
              ⋯
            </button>
          ) : null
        ) : (
          controlButtons
        )}
        {open ? (
          // biome-ignore lint/a11y/useKeyWithClickEvents: the buttons inside are the controls; this only closes the menu after one did its work
          <div
            ref={menu}
            className="toolbar-menu"
            role="menu"
            data-testid="toolbar-menu"
            onClick={(event) => {
              if ((event.target as Element).closest('button')) setMenuOpen(false);
            }}
          >
            {actionsBar}
            <div className="toolbar-menu-controls">{controlButtons}</div>
          </div>
        ) : null}
        {settingsOpen && toolbar.has('settings') ? (
          <SettingsPanel
            snapshot={snapshot}
            onUpdate={(update) => session.updateSettings(update)}
            preferences={props.preferences}
            onPreferences={props.onPreferences}
            keyBarVisible={props.keyBarVisible}
            onClose={() => onSettingsOpen(false)}
            {...(props.controls ? { shown: props.controls.settings } : {})}
          />
        ) : null}
      </div>
    </header>
  );
}
