import type { Action, BackspaceKey, EolMode, LocalEchoMode, SettingsUpdate } from '@telgate/protocol';
import type { Theme } from '../app/route';

/** The Telnet commands the toolbar, the palette and the key bar offer, with what each does. */
export const TELNET_ACTIONS: readonly { action: Action; label: string; hint: string }[] = [
  { action: 'interrupt', label: 'Interrupt', hint: 'Interrupt Process (IAC IP): stop the running program' },
  { action: 'break', label: 'Break', hint: 'Break (IAC BRK)' },
  {
    action: 'are-you-there',
    label: 'Are You There',
    hint: 'Are You There (IAC AYT): the host answers with text',
  },
  { action: 'abort-output', label: 'Abort Output', hint: 'Abort Output (IAC AO): discard pending output' },
  { action: 'synch', label: 'Synch', hint: 'Synch (IAC DM): the host discards unread input' },
  { action: 'erase-char', label: 'Erase Char', hint: 'Erase Character (IAC EC)' },
  { action: 'erase-line', label: 'Erase Line', hint: 'Erase Line (IAC EL)' },
];

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
  /** Shown beside the label: a shortcut, or "current" for the setting in force. */
  readonly detail?: string;
  readonly disabled?: boolean;
  readonly run: () => void;
}

/** What the palette's commands act on. */
export interface CommandContext {
  readonly connected: boolean;
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
}

export function buildCommands(ctx: CommandContext): Command[] {
  const offline = !ctx.connected;
  const commands: Command[] = [
    {
      id: 'logout',
      label: 'Logout',
      group: 'Telnet',
      keywords: 'RFC 727 DO LOGOUT',
      disabled: offline,
      run: ctx.logout,
    },
    ...TELNET_ACTIONS.map(
      ({ action, label, hint }): Command => ({
        id: `action-${action}`,
        label,
        group: 'Telnet',
        keywords: hint,
        disabled: offline,
        run: () => ctx.sendAction(action),
      }),
    ),
    {
      id: 'send-ctrl-bracket',
      label: 'Send Ctrl-]',
      group: 'Telnet',
      keywords: 'escape character 0x1d',
      disabled: offline,
      run: () => ctx.sendText('\x1d'),
    },
    ...settingCommands(ctx, 'eol', 'Enter sends', EOL_LABELS, 'end of line newline'),
    ...settingCommands(ctx, 'backspace', 'Backspace sends', BACKSPACE_LABELS, 'delete erase'),
    ...settingCommands(ctx, 'localEcho', 'Local echo', LOCAL_ECHO_LABELS, 'line editing'),
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
    { id: 'search', label: 'Find in output', group: 'View', detail: 'Ctrl-Shift-F', run: ctx.toggleSearch },
    ...(ctx.toggleInspector
      ? [
          {
            id: 'inspector',
            label: 'Negotiation inspector',
            group: 'View',
            keywords: 'trace options',
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
  ];
  if (!ctx.connected) {
    commands.push({
      id: 'reconnect',
      label: 'Reconnect',
      group: 'Session',
      disabled: !ctx.canReconnect,
      run: ctx.reconnect,
    });
  } else if (ctx.disconnect) {
    commands.push({
      id: 'disconnect',
      label: 'Disconnect',
      group: 'Session',
      keywords: 'close quit',
      run: ctx.disconnect,
    });
  }
  return commands;
}

function settingCommands<Key extends 'eol' | 'backspace' | 'localEcho'>(
  ctx: CommandContext,
  key: Key,
  title: string,
  labels: Record<NonNullable<CommandContext['settings']>[Key], string>,
  keywords: string,
): Command[] {
  return (Object.keys(labels) as NonNullable<CommandContext['settings']>[Key][]).map((value) => ({
    id: `${key}-${value}`,
    label: `${title}: ${labels[value]}`,
    group: 'Settings',
    keywords,
    ...(ctx.settings?.[key] === value ? { detail: 'current' } : {}),
    disabled: !ctx.connected,
    run: () => ctx.updateSettings({ [key]: value } as SettingsUpdate),
  }));
}

/**
 * The commands matching `query`: every word must appear in the label, group or keywords. Labels
 * that start with the query come first; otherwise the order is kept.
 */
export function filterCommands(commands: readonly Command[], query: string): Command[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...commands];
  const matches = commands.filter((command) => {
    const haystack = `${command.label} ${command.group} ${command.keywords ?? ''}`.toLowerCase();
    return words.every((word) => haystack.includes(word));
  });
  const first = words.join(' ');
  const starts = (command: Command) => (command.label.toLowerCase().startsWith(first) ? 0 : 1);
  return matches
    .map((command, index) => ({ command, index }))
    .sort((a, b) => starts(a.command) - starts(b.command) || a.index - b.index)
    .map(({ command }) => command);
}
