import type { Action } from '@telgate/protocol';
import {
  type CSSProperties,
  lazy,
  type MouseEvent,
  type KeyboardEvent as ReactKeyboardEvent,
  type ReactNode,
  type Ref,
  Suspense,
  useEffect,
  useImperativeHandle,
  useRef,
  useState,
} from 'react';
import { clampFontSize, fontStack, type Preferences } from '../app/preferences';
import { browserStorage } from '../app/storage';
import { loadLineHistory, saveLineHistory } from '../app/terminal-mode';
import type { TelgateSession } from '../session/session';
import { InputPipeline, localEditingActive } from '../terminal/input-pipeline';
import { type ArrowDirection, arrowKey } from '../terminal/keys';
import { LineHistory } from '../terminal/line-history';
import { sessionFileName } from '../terminal/session-text';
import type { RendererChoice } from '../terminal/terminal-view';
import { type ActiveRenderer, TerminalView } from '../terminal/terminal-view';
import { TERMINAL_THEMES, terminalTheme } from '../terminal/themes';
import {
  AutoLogoutBanner,
  ClosedBanner,
  LogoutBanner,
  Notices,
  ObserversIndicator,
  ReconnectingBanner,
  ResumedBanner,
  WatchingBar,
} from './Banners';
import { CommandPalette } from './CommandPalette';
import { buildCommands } from './commands';
import { ALL_CONTROLS, type Controls, paletteAllows, typedKeyEffect } from './controls';
import { downloadFile } from './download';
import { toggleFullScreen } from './FullScreenButton';
import { saveName, targetName } from './format';
import { useLeaveWarning, useMediaQuery, useSessionSnapshot } from './hooks';
import { KeyBar } from './KeyBar';
import { ClipboardNotice, usePastePacing } from './PasteBanner';
import { SearchBar } from './SearchBar';
import { StatusAnnouncer } from './StatusIndicator';
import { Toolbar } from './Toolbar';
import { useTerminalMode } from './terminal-mode-hooks';

// The inspector (and the Telnet describer it uses) loads on first use, keeping the initial download small.
const Inspector = lazy(() => import('./inspector/Inspector'));

/** What an embedding page (through the bridge) can do with the terminal. */
export interface WorkspaceHandle {
  focus(): void;
  /** Text as if typed (through local line editing when it is on). */
  send(text: string): void;
}

export type WorkspaceVariant = 'standalone' | 'embed' | 'kiosk';

export interface WorkspaceProps {
  readonly session: TelgateSession;
  readonly variant: WorkspaceVariant;
  readonly renderer: RendererChoice;
  readonly preferences: Preferences;
  readonly onPreferences: (preferences: Preferences) => void;
  /** The embedded terminal shows its bar only when asked (`bar=1`). */
  readonly showToolbar: boolean;
  readonly onBack?: () => void;
  /** The closed banner's button (absent: no button). */
  readonly onReconnect?: () => void;
  readonly reconnectLabel?: string;
  /** Shown in the closed banner (the kiosk's countdown). */
  readonly closedExtra?: ReactNode;
  /** Shown after the status in the toolbar. */
  readonly toolbarExtra?: ReactNode;
  readonly onTitle?: (title: string) => void;
  /** What the toolbar, its settings and the command palette offer (a kiosk's configuration). */
  readonly controls?: Controls;
  /**
   * Another's session, watched: the keyboard, paste and on-screen keys do nothing, and a bar says what
   * is watched (pass no controls and no toolbar with it).
   */
  readonly readOnly?: boolean;
  readonly ref?: Ref<WorkspaceHandle>;
}

/**
 * Where the focus belongs to the control itself: panels with fields of their own. A click on any other
 * button leaves the focus in the terminal (it never moves to the button), and the terminal has it again
 * once the button did its work, so no keystroke meant for the host goes to a button, or nowhere.
 */
const OWN_FOCUS = '.settings-panel, .palette-backdrop, .search-bar, .inspector';

function pageButton(target: EventTarget): HTMLButtonElement | undefined {
  if (!(target instanceof Element)) return undefined;
  const button = target.closest('button');
  return button && !button.closest(OWN_FOCUS) ? button : undefined;
}

/**
 * Drawn into the terminal when a session ends, so the scrollback shows where one session stopped: on the
 * normal screen, on a line of its own, once per session that started (not for each failed attempt).
 */
const SESSION_CLOSED_MARK = '\x1b[2m── session closed ──\x1b[0m';

/**
 * A terminal session on screen: the terminal wired to the session (output with flow control, input
 * through local line editing, size as NAWS), with the toolbar, banners, search, inspector, key bar
 * and command palette around it.
 */
export function Workspace(props: WorkspaceProps) {
  const { session, variant, renderer, preferences, onPreferences } = props;
  const snapshot = useSessionSnapshot(session);
  // An embedded terminal leaves with its parent page, which decides whether to ask.
  // So does a page that only watches: leaving it ends nothing.
  const readOnly = props.readOnly === true;
  useLeaveWarning(session, variant !== 'embed' && !readOnly);
  const terminalMode = useTerminalMode(snapshot);
  const host = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const pipeline = useRef<InputPipeline | undefined>(undefined);
  const [view, setView] = useState<TerminalView | undefined>();
  const [activeRenderer, setActiveRenderer] = useState<ActiveRenderer>('dom');
  const [ctrlArmed, setCtrlArmed] = useState(false);
  const [searchOpen, setSearchOpen] = useState(false);
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [inspectorOpen, setInspectorOpen] = useState(false);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [clipboardNotice, setClipboardNotice] = useState<string | undefined>();
  const touchScreen = useMediaQuery('(pointer: coarse)');
  const keyBarVisible = !readOnly && (variant === 'kiosk' || (preferences.keyBar ?? touchScreen));
  const connected = snapshot.status.phase === 'connected';
  const controls = props.controls ?? ALL_CONTROLS;
  const paletteAllowed = controls.toolbar.has('commands');

  // Read by the terminal's listeners, which are set up once per terminal.
  const latest = useRef(props);
  latest.current = props;
  const initialAppearance = useRef(preferences);
  const paste = usePastePacing(session, view, (text) => pipeline.current?.insert(text));
  const pasteRequest = useRef(paste.request);
  pasteRequest.current = paste.request;
  const pasteObserve = useRef(paste.observe);
  pasteObserve.current = paste.observe;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const terminal = new TerminalView(element, {
      fontSize: initialAppearance.current.fontSize,
      fontFamily: fontStack(initialAppearance.current),
      screenReader: initialAppearance.current.screenReader,
      theme: initialAppearance.current.theme,
      scrollback: initialAppearance.current.scrollback,
      renderer,
      links: variant !== 'kiosk',
      onPaletteKey: () => {
        if (latest.current.controls?.toolbar.has('commands') !== false) setPaletteOpen(true);
      },
      onSearchKey: () => {
        if (latest.current.controls?.toolbar.has('search') !== false) setSearchOpen(true);
      },
      onPaste: (text) => {
        if (!latest.current.readOnly) pasteRequest.current(text);
      },
      onClipboardProblem: setClipboardNotice,
      followPicture: latest.current.readOnly === true,
    });
    const input = new InputPipeline({
      send: (text) => session.sendInput(text),
      echo: (text) => terminal.write(text),
    });
    pipeline.current = input;
    let sessionShown = session.isConnected;
    // While the session is being got back, a line being edited stays in the editor.
    const syncLocalEditing = () =>
      input.setLocalEditing(
        session.isLive && !latest.current.readOnly && localEditingActive(session.getSnapshot().settings),
      );
    const cleanups = [
      terminal.onData((data) => {
        // A closed session: Enter reconnects, as the banner's button does; nothing else goes anywhere.
        // A watching page sends nothing typed.
        const effect = typedKeyEffect(
          session.getSnapshot().status.phase,
          latest.current.readOnly === true,
          data,
        );
        if (effect === 'reconnect') latest.current.onReconnect?.();
        else if (effect === 'send') input.type(data);
      }),
      terminal.onResize(({ cols, rows }) => session.resize(cols, rows)),
      terminal.onTitle((title) => latest.current.onTitle?.(title)),
    ].map((disposable) => () => disposable.dispose());
    cleanups.push(
      input.onCtrlChange(setCtrlArmed),
      terminal.onRendererChange(setActiveRenderer),
      session.subscribe(syncLocalEditing),
      session.on('connected', () => {
        sessionShown = true;
      }),
      session.on('closed', () => {
        if (sessionShown) terminal.writeOwnLine(SESSION_CLOSED_MARK);
        sessionShown = false;
      }),
    );
    session.attachOutput({
      write: (data, rendered) => {
        // MUD mode: the line being typed comes off the screen, and back below the output.
        const before = input.beforeOutput();
        if (before) terminal.write(before);
        terminal.write(data, rendered);
        const after = input.afterOutput();
        if (after) terminal.write(after);
        pasteObserve.current(data);
      },
      screen: (cols, rows, data, rendered) => terminal.showScreen(cols, rows, data, rendered),
    });
    session.resize(terminal.size.cols, terminal.size.rows);
    syncLocalEditing();
    setView(terminal);
    setActiveRenderer(terminal.renderer);
    terminal.focus();
    return () => {
      for (const cleanup of cleanups) cleanup();
      session.attachOutput(undefined);
      pipeline.current = undefined;
      terminal.dispose();
      setView(undefined);
    };
  }, [session, renderer, variant]);

  const bbsMode = terminalMode === 'bbs';
  const colors = preferences.terminalColors ?? 'auto';
  const palette = terminalTheme(preferences.theme, colors, bbsMode);
  useEffect(() => view?.setTheme(palette), [view, palette]);
  // Colours other than the page theme's paint the margin around the terminal too.
  const frameStyle =
    palette === TERMINAL_THEMES[preferences.theme]
      ? undefined
      : ({ '--terminal-bg': palette.background } as CSSProperties);
  // MUD mode: Up and Down walk the lines sent to this host, kept in this browser.
  const requested = snapshot.requested;
  const mudMode = terminalMode === 'mud';
  useEffect(() => {
    const input = pipeline.current;
    if (!view || !input) return;
    if (!mudMode || !requested) {
      input.setMudHistory(undefined);
      return;
    }
    const storage = browserStorage();
    input.setMudHistory(
      new LineHistory(loadLineHistory(storage, requested), undefined, (lines) =>
        saveLineHistory(storage, requested, lines),
      ),
    );
    return () => input.setMudHistory(undefined);
  }, [view, mudMode, requested]);
  useEffect(() => view?.setFontSize(preferences.fontSize), [view, preferences.fontSize]);
  useEffect(() => view?.setScrollback(preferences.scrollback), [view, preferences.scrollback]);
  const stack = fontStack(preferences);
  useEffect(() => view?.setFontFamily(stack), [view, stack]);
  useEffect(() => view?.setScreenReaderMode(preferences.screenReader), [view, preferences.screenReader]);

  // Ctrl-] also works when the focus is outside the terminal (the terminal handles its own).
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || !event.ctrlKey || event.altKey || event.metaKey) return;
      if (event.key === ']' || event.code === 'BracketRight') {
        event.preventDefault();
        if (latest.current.controls?.toolbar.has('commands') !== false) setPaletteOpen(true);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  useImperativeHandle(
    props.ref,
    () => ({
      focus: () => view?.focus(),
      send: (text: string) => pipeline.current?.insert(text),
    }),
    [view],
  );

  const sendAction = (action: Action) => {
    session.sendAction(action);
    view?.focus();
  };
  const setPreferences = (next: Preferences) =>
    onPreferences({ ...next, fontSize: clampFontSize(next.fontSize) });
  const toggleInspector = variant === 'kiosk' ? undefined : () => setInspectorOpen((open) => !open);
  const openSettings = (open: boolean) => {
    setSettingsOpen(open);
    if (!open) view?.focus();
  };
  // Pressing a button does not take the focus from the terminal…
  const keepTerminalFocus = (event: MouseEvent) => {
    if (pageButton(event.target)) event.preventDefault();
  };
  // …and after the button's own work (this runs after its handler) the terminal has it, also when the
  // button was reached by keyboard. A panel the button opened takes the focus when it appears.
  const returnFocus = (event: MouseEvent) => {
    if (pageButton(event.target)) view?.focus();
  };
  // Esc or F6 on a button of the page goes back to the terminal.
  const leaveControls = (event: ReactKeyboardEvent) => {
    if ((event.key === 'Escape' || event.key === 'F6') && pageButton(event.target)) {
      event.preventDefault();
      view?.focus();
    }
  };
  // Ctrl-] then Tab (Shift-Tab): from the terminal, which keeps Tab for the host, to the first (last)
  // button of the page, passing over those that end the session; Tab moves on from there as usual.
  const toControls = (backwards: boolean) => {
    const buttons = [
      ...(root.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? []),
    ].filter(
      (button) => pageButton(button) && !button.closest('.terminal-host') && !button.dataset.endsSession,
    );
    const button = backwards ? buttons.at(-1) : buttons[0];
    if (button) button.focus();
    else view?.focus();
  };

  // The terminal's text as a file; not in a kiosk, where nothing is to leave the terminal.
  const saveSession =
    variant === 'kiosk'
      ? undefined
      : async (format: 'txt' | 'html') => {
          if (!view) return;
          const name = sessionFileName(saveName(snapshot.target, snapshot.requested), new Date(), format);
          if (format === 'txt') return downloadFile(name, view.text(), 'text/plain;charset=utf-8');
          const html = await view.html();
          if (html !== undefined) downloadFile(name, html, 'text/html;charset=utf-8');
        };

  const allCommands = buildCommands({
    connected,
    supdup: snapshot.supdup !== undefined,
    canReconnect: session.canReconnect && props.onReconnect !== undefined,
    ...(snapshot.settings ? { settings: snapshot.settings } : {}),
    theme: preferences.theme,
    sendAction,
    logout: () => session.logout(),
    updateSettings: (update) => session.updateSettings(update),
    sendText: (text) => session.sendInput(text),
    setTheme: (theme) => setPreferences({ ...preferences, theme }),
    changeFontSize: (delta) => setPreferences({ ...preferences, fontSize: preferences.fontSize + delta }),
    toggleSearch: () => setSearchOpen((open) => !open),
    ...(toggleInspector ? { toggleInspector } : {}),
    toggleKeyBar: () => setPreferences({ ...preferences, keyBar: !keyBarVisible }),
    ...(variant === 'kiosk' ? {} : { disconnect: () => session.disconnect() }),
    reconnect: () => props.onReconnect?.(),
    copy: () => void view?.copySelection(),
    paste: () => void view?.pasteFromClipboard(),
    screenReader: {
      active: preferences.screenReader,
      toggle: () => setPreferences({ ...preferences, screenReader: !preferences.screenReader }),
    },
    ...(saveSession
      ? { saveText: () => void saveSession('txt'), saveHtml: () => void saveSession('html') }
      : {}),
    ...(props.showToolbar ? { openSettings: () => setSettingsOpen(true) } : {}),
    // An embedded terminal is full screen only if its parent page allowed it: not offered there.
    ...(variant !== 'embed' && document.fullscreenEnabled
      ? { fullScreen: { active: document.fullscreenElement !== null, toggle: toggleFullScreen } }
      : {}),
    ...(props.onBack ? { targets: props.onBack } : {}),
    ...(snapshot.autoLogoutWarning ? { stayLoggedIn: () => session.stayLoggedIn() } : {}),
  });
  const commands = props.controls
    ? allCommands.filter((command) => paletteAllows(controls, command.id))
    : allCommands;

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: focus management for the buttons inside, not a control
    <div
      ref={root}
      className={`workspace workspace-${variant}${readOnly ? ' workspace-read-only' : ''}`}
      style={frameStyle}
      data-testid="workspace"
      onMouseDown={keepTerminalFocus}
      onClick={returnFocus}
      onKeyDown={leaveControls}
    >
      {props.showToolbar ? (
        <Toolbar
          session={session}
          snapshot={snapshot}
          slim={variant === 'embed'}
          preferences={preferences}
          onPreferences={setPreferences}
          keyBarVisible={keyBarVisible}
          onToggleSearch={() => setSearchOpen((open) => !open)}
          onOpenPalette={() => setPaletteOpen(true)}
          {...(saveSession ? { onSaveText: () => void saveSession('txt') } : {})}
          controls={controls}
          settingsOpen={settingsOpen}
          onSettingsOpen={openSettings}
          inspectorOpen={inspectorOpen}
          canDisconnect={variant !== 'kiosk'}
          {...(toggleInspector ? { onToggleInspector: toggleInspector } : {})}
          {...(props.onBack ? { onBack: props.onBack } : {})}
        >
          {props.toolbarExtra}
        </Toolbar>
      ) : null}
      {readOnly ? <WatchingBar snapshot={snapshot} /> : null}
      <StatusAnnouncer snapshot={snapshot} />
      <div className="workspace-body">
        <div className="terminal-column">
          <div className="banners">
            {!props.showToolbar && !readOnly && snapshot.status.phase === 'connecting' ? (
              <div className="banner" role="status" data-testid="connecting-banner">
                Connecting to {targetName(snapshot.target, snapshot.requested)}…
              </div>
            ) : null}
            <ReconnectingBanner snapshot={snapshot} />
            <ResumedBanner session={session} snapshot={snapshot} />
            <AutoLogoutBanner session={session} snapshot={snapshot} onAnswered={() => view?.focus()} />
            <LogoutBanner session={session} snapshot={snapshot} onAnswered={() => view?.focus()} />
            <Notices session={session} snapshot={snapshot} />
            {paste.banner}
            <ClipboardNotice message={clipboardNotice} onDismiss={() => setClipboardNotice(undefined)} />
          </div>
          {searchOpen && view ? (
            <SearchBar
              view={view}
              onClose={() => {
                setSearchOpen(false);
                view.focus();
              }}
            />
          ) : null}
          <ObserversIndicator snapshot={snapshot} />
          <div className="terminal-frame">
            <div
              ref={host}
              className="terminal-host"
              data-testid="terminal"
              data-renderer={activeRenderer}
              data-local-editing={connected && localEditingActive(snapshot.settings)}
              data-terminal-mode={terminalMode}
            />
          </div>
          <ClosedBanner
            snapshot={snapshot}
            {...(props.onReconnect ? { onReconnect: props.onReconnect } : {})}
            {...(props.reconnectLabel ? { reconnectLabel: props.reconnectLabel } : {})}
          >
            {props.closedExtra}
          </ClosedBanner>
        </div>
        {inspectorOpen ? (
          <Suspense fallback={<aside className="inspector">Loading the inspector…</aside>}>
            <Inspector
              session={session}
              onClose={() => {
                setInspectorOpen(false);
                view?.focus();
              }}
            />
          </Suspense>
        ) : null}
      </div>
      {keyBarVisible ? (
        <KeyBar
          connected={connected}
          ctrlArmed={ctrlArmed}
          onCtrl={(armed) => pipeline.current?.setCtrlArmed(armed)}
          onKey={(sequence) => pipeline.current?.insert(sequence)}
          onArrow={(direction: ArrowDirection) =>
            pipeline.current?.insert(arrowKey(direction, view?.applicationCursorMode ?? false))
          }
          onAction={sendAction}
          {...(props.controls || snapshot.supdup
            ? {
                // SUPDUP has no Telnet commands: their keys are left out while the session speaks it.
                showAction: (action: Action) =>
                  !snapshot.supdup && (!props.controls || paletteAllows(controls, `action-${action}`)),
              }
            : {})}
        />
      ) : null}
      {paletteOpen && paletteAllowed ? (
        <CommandPalette
          commands={commands}
          onClose={() => {
            setPaletteOpen(false);
            view?.focus();
          }}
          onLeave={(backwards) => {
            setPaletteOpen(false);
            toControls(backwards);
          }}
        />
      ) : null}
    </div>
  );
}
