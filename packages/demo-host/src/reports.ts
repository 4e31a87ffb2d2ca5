import { Opt, optionName, type Side } from '@telgate/telnet-core';
import type { SessionView } from './session-view.js';
import { formatDuration, padEnd, sgr } from './text.js';

/** Options `status` always lists; any other option that happens to be on is listed after them. */
const LISTED_OPTIONS: readonly number[] = [
  Opt.BINARY,
  Opt.ECHO,
  Opt.SGA,
  Opt.STATUS,
  Opt.LOGOUT,
  Opt.TTYPE,
  Opt.EOR,
  Opt.NAWS,
  Opt.TSPEED,
  Opt.NEW_ENVIRON,
  Opt.CHARSET,
];

export const DEFAULT_TITLE = 'Welcome to the telgate demo host.';

function enabledOptions(view: SessionView, side: Side): string {
  const names: string[] = [];
  for (let opt = 0; opt < 256; opt++) if (view.isEnabled(side, opt)) names.push(optionName(opt));
  return names.length > 0 ? names.join(', ') : 'none';
}

function terminalTypeLine(view: SessionView): string {
  if (view.terminalType === undefined) return 'unknown (your client did not send TTYPE)';
  const others = view.terminalTypes.length > 1 ? `  (offered: ${view.terminalTypes.join(', ')})` : '';
  return `${sgr('1', view.terminalType)}${others}`;
}

function windowSizeLine(view: SessionView): string {
  const size = view.windowSize;
  return size === undefined
    ? 'unknown (your client did not send NAWS)'
    : `${sgr('1', `${size.cols}x${size.rows}`)}  (columns x rows)`;
}

function charsetLine(view: SessionView): string {
  return view.charset === undefined ? 'UTF-8 (not negotiated)' : `${view.charset} (agreed with CHARSET)`;
}

function binaryLine(view: SessionView): string {
  const state = (on: boolean) => (on ? 'on' : 'off');
  return `host to client ${state(view.isEnabled('local', Opt.BINARY))}, client to host ${state(view.isEnabled('remote', Opt.BINARY))}`;
}

/** The greeting: what the client and the host agreed on, in a few lines (LF line ends). */
export function renderBanner(view: SessionView, title: string = DEFAULT_TITLE): string {
  const rows: Array<[string, string]> = [
    ['terminal type', terminalTypeLine(view)],
    ['window size', windowSizeLine(view)],
    ['host will', enabledOptions(view, 'local')],
    ['client will', enabledOptions(view, 'remote')],
  ];
  if (view.user !== undefined) rows.push(['user', view.user]);
  return [
    sgr('1;36', title),
    '',
    '  Negotiated with your client:',
    ...rows.map(([label, value]) => `    ${padEnd(label, 15)} ${value}`),
    '',
    `  Type ${sgr('1', 'help')} for the commands, ${sgr('1', 'status')} for the details.`,
    '  Resize the window to see NAWS at work.',
    '',
  ].join('\n');
}

/** The `status` command: the whole negotiated state (LF line ends). */
export function renderStatus(view: SessionView): string {
  const options = [...LISTED_OPTIONS];
  for (let opt = 0; opt < 256; opt++) {
    if (!options.includes(opt) && (view.isEnabled('local', opt) || view.isEnabled('remote', opt)))
      options.push(opt);
  }
  const cell = (on: boolean) => padEnd(on ? sgr('32', 'on') : sgr('2', 'off'), 13);
  const lines = [
    sgr('1', `${padEnd('Telnet option', 16)}${padEnd('host (WILL)', 13)}client (WILL)`),
    ...options.map(
      (opt) =>
        `${padEnd(optionName(opt), 16)}${cell(view.isEnabled('local', opt))}${cell(view.isEnabled('remote', opt)).trimEnd()}`,
    ),
    '',
    `${padEnd('terminal type', 16)}${terminalTypeLine(view)}`,
    `${padEnd('window size', 16)}${windowSizeLine(view)}`,
    `${padEnd('charset', 16)}${charsetLine(view)}`,
    `${padEnd('binary', 16)}${binaryLine(view)}`,
  ];
  if (view.user !== undefined) lines.push(`${padEnd('user', 16)}${view.user}`);
  lines.push(
    `${padEnd('connected', 16)}${formatDuration(view.connectedForMs)}`,
    `${padEnd('auto-logout', 16)}warning after ${formatDuration(view.idleWarningMs)} idle, then ${formatDuration(view.logoutGraceMs)} to answer`,
  );
  if (view.protocolWarnings > 0)
    lines.push(`${padEnd('protocol errors', 16)}${view.protocolWarnings} from your client, ignored`);
  return `${lines.join('\n')}\n`;
}
