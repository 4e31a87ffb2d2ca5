import type { Action, BackspaceKey, EolMode, LocalEchoMode, SettingsUpdate } from '@telgate/protocol';
import type { Theme } from '../terminal/themes';

/**
 * The Telnet commands the toolbar, the palette and the key bar offer, with what each does and the words
 * a telnet client's own escape prompt knows it by (`send ayt`, …).
 */
export const TELNET_ACTIONS: readonly TelnetAction[] = [
  {
    action: 'interrupt',
    label: 'Interrupt',
    hint: 'Interrupt Process (IAC IP): stop the running program',
    telnet: ['send ip'],
  },
  { action: 'break', label: 'Break', hint: 'Break (IAC BRK)', telnet: ['send brk', 'send break'] },
  {
    action: 'are-you-there',
    label: 'Are You There',
    hint: 'Are You There (IAC AYT): the host answers with text',
    telnet: ['send ayt'],
  },
  {
    action: 'abort-output',
    label: 'Abort Output',
    hint: 'Abort Output (IAC AO): discard pending output',
    telnet: ['send ao'],
  },
  {
    action: 'synch',
    label: 'Synch',
    hint: 'Synch (IAC DM): the host discards unread input',
    telnet: ['send synch', 'send dm'],
  },
  { action: 'erase-char', label: 'Erase Char', hint: 'Erase Character (IAC EC)', telnet: ['send ec'] },
  { action: 'erase-line', label: 'Erase Line', hint: 'Erase Line (IAC EL)', telnet: ['send el'] },
];

/** Telnet commands rarely needed by hand: in the palette only. */
const RARE_TELNET_ACTIONS: readonly TelnetAction[] = [
  { action: 'nop', label: 'No Operation', hint: 'No Operation (IAC NOP)', telnet: ['send nop'] },
  { action: 'end-of-record', label: 'End of Record', hint: 'End of Record (IAC EOR)', telnet: ['send eor'] },
  { action: 'go-ahead', label: 'Go Ahead', hint: 'Go Ahead (IAC GA)', telnet: ['send ga'] },
];

export interface TelnetAction {
  readonly action: Action;
  readonly label: string;
  readonly hint: string;
  /** The telnet escape-prompt commands; each also works without its `send `. */
  readonly telnet: readonly string[];
}

export const EOL_LABELS: Record<EolMode, string> = { crlf: 'CR LF', crnul: 'CR NUL', lf: 'LF' };
export const BACKSPACE_LABELS: Record<BackspaceKey, string> = { del: 'DEL (0x7F)', bs: 'BS (0x08)' };
export const LOCAL_ECHO_LABELS: Record<LocalEchoMode, string> = {
  auto: 'Auto (while the host does not echo)',
  on: 'On',
  off: 'Off',
};

export interface Command {
  /** Stable, for keys and tests (`data-command`). */
  readonly id: string;
  readonly label: string;
  readonly group: string;
  /** Extra words that find the command, e.g. the Telnet name. */
  readonly keywords?: string;
  /**
   * The commands of a telnet client's escape prompt that mean this (`send ayt`, `close`, `set crlf`):
   * typed exactly, they put this command first.
   */
  readonly telnet?: readonly string[];
  /** It ends the session (Logout, Disconnect): said beside it, and never chosen in advance. */
  readonly endsSession?: boolean;
  /** Shown beside the label: a shortcut, or "current" for the setting in force. */
  readonly detail?: string;
  readonly disabled?: boolean;
  readonly run: () => void;
}

/** What the palette's commands act on. */
export interface CommandContext {
  readonly connected: boolean;
  /** The session speaks SUPDUP: the Telnet commands are disabled. */
  readonly supdup?: boolean;
  readonly canReconnect: boolean;
  readonly settings?: { eol: EolMode; backspace: BackspaceKey; localEcho: LocalEchoMode };
  readonly theme: Theme;
  readonly sendAction: (action: Action) => void;
  readonly logout: () => void;
  readonly updateSettings: (update: SettingsUpdate) => void;
  readonly sendText: (text: string) => void;
  readonly setTheme: (theme: Theme) => void;
  readonly changeFontSize: (delta: number) => void;
  readonly toggleSearch: () => void;
  /** Absent where there is no inspector (kiosk). */
  readonly toggleInspector?: () => void;
  readonly toggleKeyBar: () => void;
  /** Absent where ending the session makes no sense (a kiosk would only reconnect). */
  readonly disconnect?: () => void;
  readonly reconnect: () => void;
  readonly copy: () => void;
  readonly paste: () => void;
  /** xterm.js's screen-reader mode, and the way to turn it on or off. */
  readonly screenReader: { readonly active: boolean; readonly toggle: () => void };
  /** The terminal's text (scrollback and screen) as a download; absent where nothing may leave (kiosk). */
  readonly saveText?: () => void;
  /** The same with colours, as HTML. */
  readonly saveHtml?: () => void;
  /** Absent where the page has no settings panel (an embedded terminal without its bar). */
  readonly openSettings?: () => void;
  /** Absent where the browser or the page does not allow full screen. */
  readonly fullScreen?: { readonly active: boolean; readonly toggle: () => void };
  /** Back to the connect screen (standalone only). */
  readonly targets?: () => void;
  /** Present while the host warns of an auto-logout: the banner's answer. */
  readonly stayLoggedIn?: () => void;
}

/**
 * Every command of the page: the Telnet commands, the line settings, the view and the session. While the
 * session is not connected, the session's own commands (Reconnect first) come before everything else.
 */
export function buildCommands(ctx: CommandContext): Command[] {
  const offline = !ctx.connected;
  const telnet: Command[] = [
    ...[...TELNET_ACTIONS, ...RARE_TELNET_ACTIONS].map(
      ({ action, label, hint, telnet: words }): Command => ({
        id: `action-${action}`,
        label,
        group: 'Telnet',
        keywords: hint,
        telnet: [...words, ...words.map((word) => word.replace(/^send /, ''))],
        disabled: offline || ctx.supdup === true,
        run: () => ctx.sendAction(action),
      }),
    ),
    {
      id: 'send-ctrl-bracket',
      label: 'Send Ctrl-]',
      group: 'Telnet',
      keywords: 'escape character 0x1d',
      telnet: ['send escape'],
      disabled: offline,
      run: () => ctx.sendText('\x1d'),
    },
  ];
  const settings: Command[] = [
    ...settingCommands(ctx, 'eol', 'Enter sends', EOL_LABELS, 'end of line newline', {
      crlf: ['set crlf', ...(ctx.settings?.eol === 'crnul' ? ['toggle crlf'] : [])],
      crnul: ['unset crlf', ...(ctx.settings?.eol === 'crlf' ? ['toggle crlf'] : [])],
      lf: [],
    }),
    ...settingCommands(ctx, 'backspace', 'Backspace sends', BACKSPACE_LABELS, 'delete erase', {
      del: [],
      bs: [],
    }),
    ...settingCommands(ctx, 'localEcho', 'Local echo', LOCAL_ECHO_LABELS, 'line editing', {
      auto: [],
      on: ['set localecho', 'mode line', ...(ctx.settings?.localEcho !== 'on' ? ['toggle localecho'] : [])],
      off: [
        'unset localecho',
        'mode character',
        'mode char',
        ...(ctx.settings?.localEcho === 'on' ? ['toggle localecho'] : []),
      ],
    }),
  ];
  const view: Command[] = [
    { id: 'search', label: 'Find in output', group: 'View', detail: 'Ctrl-Shift-F', run: ctx.toggleSearch },
    {
      id: 'copy',
      label: 'Copy',
      group: 'View',
      keywords: 'clipboard selection',
      detail: 'Ctrl-Shift-C',
      run: ctx.copy,
    },
    {
      id: 'paste',
      label: 'Paste',
      group: 'View',
      keywords: 'clipboard',
      detail: 'Ctrl-Shift-V',
      run: ctx.paste,
    },
    ...(ctx.saveText
      ? [
          {
            id: 'save-text',
            label: 'Save session text…',
            group: 'View',
            keywords: 'download export log scrollback txt file',
            run: ctx.saveText,
          },
        ]
      : []),
    ...(ctx.saveHtml
      ? [
          {
            id: 'save-html',
            label: 'Save session as HTML…',
            group: 'View',
            keywords: 'download export log scrollback colours colors file',
            run: ctx.saveHtml,
          },
        ]
      : []),
    ...(ctx.fullScreen
      ? [
          {
            id: 'fullscreen',
            label: ctx.fullScreen.active ? 'Leave full screen' : 'Full screen',
            group: 'View',
            keywords: 'fullscreen keyboard lock',
            run: ctx.fullScreen.toggle,
          },
        ]
      : []),
    ...(ctx.openSettings
      ? [
          {
            id: 'settings',
            label: 'Settings',
            group: 'View',
            keywords: 'preferences options panel',
            telnet: ['display'],
            run: ctx.openSettings,
          },
        ]
      : []),
    ...(ctx.toggleInspector
      ? [
          {
            id: 'inspector',
            label: 'Negotiation inspector',
            group: 'View',
            keywords: 'trace options',
            telnet: ['status'],
            run: ctx.toggleInspector,
          },
        ]
      : []),
    {
      id: 'key-bar',
      label: 'On-screen keys',
      group: 'View',
      keywords: 'touch mobile keyboard',
      run: ctx.toggleKeyBar,
    },
    {
      id: 'screen-reader',
      label: ctx.screenReader.active ? 'Screen reader mode off' : 'Screen reader mode on',
      group: 'View',
      keywords: 'accessibility a11y blind nvda jaws voiceover orca speech',
      run: ctx.screenReader.toggle,
    },
    {
      id: 'theme',
      label: ctx.theme === 'dark' ? 'Light theme' : 'Dark theme',
      group: 'View',
      keywords: 'colours colors appearance',
      run: () => ctx.setTheme(ctx.theme === 'dark' ? 'light' : 'dark'),
    },
    {
      id: 'font-larger',
      label: 'Larger font',
      group: 'View',
      keywords: 'zoom bigger',
      run: () => ctx.changeFontSize(1),
    },
    {
      id: 'font-smaller',
      label: 'Smaller font',
      group: 'View',
      keywords: 'zoom',
      run: () => ctx.changeFontSize(-1),
    },
  ];
  const session: Command[] = [];
  if (ctx.stayLoggedIn && !offline) {
    session.push({
      id: 'stay-logged-in',
      label: 'Stay logged in',
      group: 'Session',
      keywords: 'auto-logout inactivity DONT LOGOUT',
      run: ctx.stayLoggedIn,
    });
  }
  if (offline) {
    session.push({
      id: 'reconnect',
      label: 'Reconnect',
      group: 'Session',
      keywords: 'connect again',
      telnet: ['open'],
      disabled: !ctx.canReconnect,
      run: ctx.reconnect,
    });
  }
  if (ctx.targets) {
    session.push({
      id: 'targets',
      label: 'Targets',
      group: 'Session',
      keywords: 'hosts connect screen back',
      run: ctx.targets,
    });
  }
  if (!offline) {
    session.push({
      id: 'logout',
      label: 'Logout',
      group: 'Session',
      keywords: 'RFC 727 DO LOGOUT',
      telnet: ['logout'],
      endsSession: true,
      run: ctx.logout,
    });
    if (ctx.disconnect) {
      session.push({
        id: 'disconnect',
        label: 'Disconnect',
        group: 'Session',
        keywords: 'close quit',
        telnet: ['close', 'quit'],
        endsSession: true,
        run: ctx.disconnect,
      });
    }
  }
  if (offline) return [...session, ...view, ...settings, ...telnet];
  // The host's auto-logout warning wants an answer before anything else.
  const answer = session.filter((command) => command.id === 'stay-logged-in');
  const rest = session.filter((command) => command.id !== 'stay-logged-in');
  return [...answer, ...telnet, ...settings, ...view, ...rest];
}

function settingCommands<Key extends 'eol' | 'backspace' | 'localEcho'>(
  ctx: CommandContext,
  key: Key,
  title: string,
  labels: Record<NonNullable<CommandContext['settings']>[Key], string>,
  keywords: string,
  telnet: Record<NonNullable<CommandContext['settings']>[Key], readonly string[]>,
): Command[] {
  return (Object.keys(labels) as NonNullable<CommandContext['settings']>[Key][]).map((value) => ({
    id: `${key}-${value}`,
    label: `${title}: ${labels[value]}`,
    group: 'Settings',
    keywords,
    ...(telnet[value].length > 0 ? { telnet: telnet[value] } : {}),
    ...(ctx.settings?.[key] === value ? { detail: 'current' } : {}),
    disabled: !ctx.connected,
    run: () => ctx.updateSettings({ [key]: value } as SettingsUpdate),
  }));
}

/** A query or a telnet command as compared: lower case, single spaces. */
function normalise(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, ' ');
}

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

/**
 * The commands matching `query`, best first:
 * 1. a telnet command typed exactly (`send ayt`, `el`, `close`, `set crlf`);
 * 2. telnet commands that start with the query (`send a`);
 * 3. every word of the query starting a word of the label, group, keywords or telnet commands ("el"
 *    finds Erase Line by its IAC EL, not Logout by "Telnet"), labels that start with the query first.
 */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const typed = normalise(query);
  if (typed === '') return [...commands];
  const exact = commands.filter((command) => command.telnet?.includes(typed));
  const prefix = commands.filter(
    (command) => !exact.includes(command) && command.telnet?.some((phrase) => phrase.startsWith(typed)),
  );
  const wanted = words(typed);
  const fuzzy = commands
    .filter((command) => !exact.includes(command) && !prefix.includes(command))
    .filter((command) => {
      const haystack = words(
        `${command.label} ${command.group} ${command.keywords ?? ''} ${(command.telnet ?? []).join(' ')}`,
      );
      return (
        wanted.length > 0 && wanted.every((word) => haystack.some((candidate) => candidate.startsWith(word)))
      );
    });
  const starts = (command: Command) => (command.label.toLowerCase().startsWith(typed) ? 0 : 1);
  const ranked = fuzzy
    .map((command, index) => ({ command, index }))
    .sort((a, b) => starts(a.command) - starts(b.command) || a.index - b.index)
    .map(({ command }) => command);
  return [...exact, ...prefix, ...ranked];
}

/**
 * The command Enter runs before the user chose one: the best match, unless it is disabled or ends the
 * session (then none: nothing further down stands in for what the user was after). None for an empty
 * query either: Enter then goes back to the session, as in telnet. -1 for none.
 */
export function preselected(matches: readonly Command[], query: string): number {
  const best = matches[0];
  if (normalise(query) === '' || !best || best.disabled || best.endsSession) return -1;
  return 0;
}
