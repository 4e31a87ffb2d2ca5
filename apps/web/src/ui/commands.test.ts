import { describe, expect, it, vi } from 'vitest';
import { buildCommands, type Command, type CommandContext, filterCommands, preselected } from './commands';

function context(overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    connected: true,
    canReconnect: true,
    settings: { eol: 'crlf', backspace: 'del', localEcho: 'auto' },
    theme: 'dark',
    sendAction: vi.fn(),
    logout: vi.fn(),
    updateSettings: vi.fn(),
    sendText: vi.fn(),
    setTheme: vi.fn(),
    changeFontSize: vi.fn(),
    toggleSearch: vi.fn(),
    toggleInspector: vi.fn(),
    toggleKeyBar: vi.fn(),
    disconnect: vi.fn(),
    reconnect: vi.fn(),
    copy: vi.fn(),
    paste: vi.fn(),
    screenReader: { active: false, toggle: vi.fn() },
    saveText: vi.fn(),
    saveHtml: vi.fn(),
    openSettings: vi.fn(),
    fullScreen: { active: false, toggle: vi.fn() },
    targets: vi.fn(),
    ...overrides,
  };
}

const byId = (ctx: CommandContext, id: string) => buildCommands(ctx).find((command) => command.id === id);
const ids = (commands: readonly Command[]) => commands.map((command) => command.id);

/** What Enter runs right after typing `query`, as the palette decides it. */
function enterRuns(commands: readonly Command[], query: string): string | undefined {
  const matches = filterCommands(commands, query);
  return matches[preselected(matches, query)]?.id;
}

describe('buildCommands', () => {
  it('runs Telnet actions and settings through the session', () => {
    const ctx = context();
    byId(ctx, 'action-are-you-there')!.run();
    expect(ctx.sendAction).toHaveBeenCalledWith('are-you-there');
    byId(ctx, 'action-go-ahead')!.run();
    expect(ctx.sendAction).toHaveBeenCalledWith('go-ahead');
    byId(ctx, 'eol-crnul')!.run();
    expect(ctx.updateSettings).toHaveBeenCalledWith({ eol: 'crnul' });
    byId(ctx, 'send-ctrl-bracket')!.run();
    expect(ctx.sendText).toHaveBeenCalledWith('\x1d');
  });

  it('disables the Telnet commands while the session speaks SUPDUP, and keeps Logout', () => {
    const supdup = context({ supdup: true });
    expect(byId(supdup, 'action-interrupt')!.disabled).toBe(true);
    expect(byId(supdup, 'action-are-you-there')!.disabled).toBe(true);
    expect(byId(supdup, 'logout')!.disabled).toBeFalsy();
    expect(byId(context(), 'action-interrupt')!.disabled).toBe(false);
  });

  it('marks the settings in force and disables session commands while offline', () => {
    expect(byId(context(), 'eol-crlf')!.detail).toBe('current');
    expect(byId(context(), 'eol-lf')!.detail).toBeUndefined();
    const offline = context({ connected: false });
    expect(byId(offline, 'action-interrupt')!.disabled).toBe(true);
    expect(byId(offline, 'logout')).toBeUndefined();
    expect(byId(offline, 'theme')!.disabled).toBeUndefined();
    expect(byId(offline, 'reconnect')).toBeDefined();
    expect(byId(offline, 'disconnect')).toBeUndefined();
  });

  it('starts a closed session’s list with Reconnect, and a live one with the Telnet commands', () => {
    const closed = buildCommands(context({ connected: false }));
    expect(ids(closed).slice(0, 2)).toEqual(['reconnect', 'targets']);
    expect(closed.findIndex((c) => c.group === 'Telnet')).toBeGreaterThan(
      closed.findIndex((c) => c.id === 'copy'),
    );
    const live = buildCommands(context());
    expect(live[0]!.group).toBe('Telnet');
    expect(live[0]!.endsSession).toBeUndefined();
  });

  it('turns screen-reader mode on and off, saying which it does', () => {
    const off = context();
    expect(byId(off, 'screen-reader')!.label).toBe('Screen reader mode on');
    byId(off, 'screen-reader')!.run();
    expect(off.screenReader.toggle).toHaveBeenCalledTimes(1);
    expect(byId(context({ screenReader: { active: true, toggle: vi.fn() } }), 'screen-reader')!.label).toBe(
      'Screen reader mode off',
    );
    expect(enterRuns(buildCommands(off), 'screen reader')).toBe('screen-reader');
    // Also while no session runs: it is about the page, not the host.
    expect(byId(context({ connected: false }), 'screen-reader')!.disabled).toBeUndefined();
  });

  it('saves the session’s text or HTML where the page allows downloads', () => {
    const ctx = context();
    expect(enterRuns(buildCommands(ctx), 'save')).toBe('save-text');
    byId(ctx, 'save-text')!.run();
    expect(ctx.saveText).toHaveBeenCalledTimes(1);
    byId(ctx, 'save-html')!.run();
    expect(ctx.saveHtml).toHaveBeenCalledTimes(1);
    expect(enterRuns(buildCommands(ctx), 'save html')).toBe('save-html');
    const kiosk = context({ saveText: undefined, saveHtml: undefined });
    expect(byId(kiosk, 'save-text')).toBeUndefined();
    expect(byId(kiosk, 'save-html')).toBeUndefined();
  });

  it('puts the answer to an auto-logout warning first', () => {
    const ctx = context({ stayLoggedIn: vi.fn() });
    const commands = buildCommands(ctx);
    expect(commands[0]!.id).toBe('stay-logged-in');
    commands[0]!.run();
    expect(ctx.stayLoggedIn).toHaveBeenCalled();
    expect(byId(context(), 'stay-logged-in')).toBeUndefined();
  });

  it('says which commands end the session', () => {
    const ending = buildCommands(context()).filter((command) => command.endsSession);
    expect(ids(ending)).toEqual(['logout', 'disconnect']);
  });

  it('offers every function of the bar and its panels', () => {
    const ctx = context();
    for (const id of [
      'targets',
      'fullscreen',
      'copy',
      'paste',
      'settings',
      'inspector',
      'search',
      'key-bar',
    ]) {
      byId(ctx, id)!.run();
    }
    expect(ctx.targets).toHaveBeenCalled();
    expect(ctx.fullScreen!.toggle).toHaveBeenCalled();
    expect(ctx.copy).toHaveBeenCalled();
    expect(ctx.paste).toHaveBeenCalled();
    expect(ctx.openSettings).toHaveBeenCalled();
    expect(byId(context({ fullScreen: { active: true, toggle: vi.fn() } }), 'fullscreen')!.label).toBe(
      'Leave full screen',
    );
  });

  it('leaves out what the page does not have (kiosk, embed)', () => {
    const kiosk = context({
      toggleInspector: undefined,
      disconnect: undefined,
      targets: undefined,
      openSettings: undefined,
      fullScreen: undefined,
    });
    for (const id of ['inspector', 'disconnect', 'targets', 'settings', 'fullscreen']) {
      expect(byId(kiosk, id)).toBeUndefined();
    }
    expect(byId(context(), 'disconnect')).toBeDefined();
  });
});

describe('filterCommands', () => {
  const commands = buildCommands(context());

  it('knows telnet’s own commands, with or without send', () => {
    for (const [typed, id] of [
      ['send ayt', 'action-are-you-there'],
      ['ayt', 'action-are-you-there'],
      ['send brk', 'action-break'],
      ['send ip', 'action-interrupt'],
      ['send ao', 'action-abort-output'],
      ['send ec', 'action-erase-char'],
      ['el', 'action-erase-line'],
      ['send  EL ', 'action-erase-line'],
      ['send dm', 'action-synch'],
      ['send synch', 'action-synch'],
      ['send nop', 'action-nop'],
      ['send eor', 'action-end-of-record'],
      ['send ga', 'action-go-ahead'],
      ['send escape', 'send-ctrl-bracket'],
      ['set crlf', 'eol-crlf'],
      ['toggle localecho', 'localEcho-on'],
      ['mode character', 'localEcho-off'],
      ['status', 'inspector'],
      ['close', 'disconnect'],
      ['quit', 'disconnect'],
      ['logout', 'logout'],
    ] as const) {
      expect(filterCommands(commands, typed)[0]?.id, typed).toBe(id);
    }
  });

  it('follows the setting in force for toggles', () => {
    const echoing = buildCommands(context({ settings: { eol: 'crnul', backspace: 'del', localEcho: 'on' } }));
    expect(filterCommands(echoing, 'toggle localecho')[0]?.id).toBe('localEcho-off');
    expect(filterCommands(echoing, 'toggle crlf')[0]?.id).toBe('eol-crlf');
  });

  it('lists the telnet commands that start with what is typed', () => {
    expect(ids(filterCommands(commands, 'send a')).slice(0, 2).sort()).toEqual([
      'action-abort-output',
      'action-are-you-there',
    ]);
  });

  it('matches words by their start: "el" is not in "Telnet"', () => {
    expect(ids(filterCommands(commands, 'el'))).not.toContain('logout');
    expect(ids(filterCommands(commands, 'enter lf'))).toEqual(['eol-crlf', 'eol-lf']);
  });

  it('puts labels that start with the query first', () => {
    const found = ids(filterCommands(commands, 'erase'));
    expect(found.slice(0, 2)).toEqual(['action-erase-char', 'action-erase-line']);
    expect(found).toContain('backspace-del');
  });

  it('keeps everything for an empty query', () => {
    expect(filterCommands(commands, '  ')).toHaveLength(commands.length);
  });
});

describe('preselected', () => {
  const commands = buildCommands(context());

  it('chooses nothing for an empty query: Enter goes back to the session', () => {
    expect(preselected(filterCommands(commands, ''), '')).toBe(-1);
  });

  it('chooses the exact telnet command', () => {
    expect(enterRuns(commands, 'send ayt')).toBe('action-are-you-there');
    expect(enterRuns(commands, 'el')).toBe('action-erase-line');
  });

  it('never chooses a command that ends the session, nor one further down in its place', () => {
    expect(enterRuns(commands, 'close')).toBeUndefined();
    expect(enterRuns(commands, 'logout')).toBeUndefined();
    expect(enterRuns(commands, 'quit')).toBeUndefined();
    expect(enterRuns(commands, 'disc')).toBeUndefined();
  });

  it('skips disabled commands', () => {
    const offline = buildCommands(context({ connected: false, canReconnect: false }));
    expect(enterRuns(offline, 'reconnect')).toBeUndefined();
    expect(enterRuns(buildCommands(context({ connected: false })), 'reconnect')).toBe('reconnect');
  });
});
