import { describe, expect, it, vi } from 'vitest';
import { buildCommands, type CommandContext, filterCommands } from './commands';

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
    ...overrides,
  };
}

const byId = (ctx: CommandContext, id: string) => buildCommands(ctx).find((command) => command.id === id);

describe('buildCommands', () => {
  it('runs Telnet actions and settings through the session', () => {
    const ctx = context();
    byId(ctx, 'action-are-you-there')!.run();
    expect(ctx.sendAction).toHaveBeenCalledWith('are-you-there');
    byId(ctx, 'eol-crnul')!.run();
    expect(ctx.updateSettings).toHaveBeenCalledWith({ eol: 'crnul' });
    byId(ctx, 'send-ctrl-bracket')!.run();
    expect(ctx.sendText).toHaveBeenCalledWith('\x1d');
  });

  it('marks the settings in force and disables session commands while offline', () => {
    expect(byId(context(), 'eol-crlf')!.detail).toBe('current');
    expect(byId(context(), 'eol-lf')!.detail).toBeUndefined();
    const offline = context({ connected: false });
    expect(byId(offline, 'logout')!.disabled).toBe(true);
    expect(byId(offline, 'theme')!.disabled).toBeUndefined();
    expect(byId(offline, 'reconnect')).toBeDefined();
    expect(byId(offline, 'disconnect')).toBeUndefined();
  });

  it('leaves out the inspector and Disconnect where there are none (kiosk)', () => {
    const kiosk = context({ toggleInspector: undefined, disconnect: undefined });
    expect(byId(kiosk, 'inspector')).toBeUndefined();
    expect(byId(kiosk, 'disconnect')).toBeUndefined();
    expect(byId(context(), 'disconnect')).toBeDefined();
  });
});

describe('filterCommands', () => {
  const commands = buildCommands(context());

  it('matches every word against label, group and keywords', () => {
    expect(filterCommands(commands, 'ayt').map((c) => c.id)).toEqual(['action-are-you-there']);
    expect(filterCommands(commands, 'enter lf').map((c) => c.id)).toEqual(['eol-crlf', 'eol-lf']);
  });

  it('puts labels that start with the query first', () => {
    const ids = filterCommands(commands, 'erase').map((c) => c.id);
    expect(ids.slice(0, 2)).toEqual(['action-erase-char', 'action-erase-line']);
    expect(ids).toContain('backspace-del');
  });

  it('keeps everything for an empty query', () => {
    expect(filterCommands(commands, '  ')).toHaveLength(commands.length);
  });
});
