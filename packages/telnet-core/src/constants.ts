/** Telnet commands (RFC 854, RFC 885 EOR, RFC 1184 EOF/SUSP/ABORT). */
export const Cmd = {
  EOF: 236,
  SUSP: 237,
  ABORT: 238,
  EOR: 239,
  SE: 240,
  NOP: 241,
  DM: 242,
  BRK: 243,
  IP: 244,
  AO: 245,
  AYT: 246,
  EC: 247,
  EL: 248,
  GA: 249,
  SB: 250,
  WILL: 251,
  WONT: 252,
  DO: 253,
  DONT: 254,
  IAC: 255,
} as const;

export type NegotiationVerb = typeof Cmd.WILL | typeof Cmd.WONT | typeof Cmd.DO | typeof Cmd.DONT;

/** Telnet option codes (IANA registry). */
export const Opt = {
  BINARY: 0,
  ECHO: 1,
  RCP: 2,
  SGA: 3,
  NAMS: 4,
  STATUS: 5,
  TIMING_MARK: 6,
  RCTE: 7,
  NAOL: 8,
  NAOP: 9,
  NAOCRD: 10,
  NAOHTS: 11,
  NAOHTD: 12,
  NAOFFD: 13,
  NAOVTS: 14,
  NAOVTD: 15,
  NAOLFD: 16,
  EXTEND_ASCII: 17,
  LOGOUT: 18,
  BM: 19,
  DET: 20,
  SUPDUP: 21,
  SUPDUP_OUTPUT: 22,
  SEND_LOCATION: 23,
  TTYPE: 24,
  EOR: 25,
  TUID: 26,
  OUTMRK: 27,
  TTYLOC: 28,
  REGIME_3270: 29,
  X3PAD: 30,
  NAWS: 31,
  TSPEED: 32,
  LFLOW: 33,
  LINEMODE: 34,
  XDISPLOC: 35,
  OLD_ENVIRON: 36,
  AUTHENTICATION: 37,
  ENCRYPT: 38,
  NEW_ENVIRON: 39,
  TN3270E: 40,
  XAUTH: 41,
  CHARSET: 42,
  RSP: 43,
  COM_PORT: 44,
  SLE: 45,
  START_TLS: 46,
  KERMIT: 47,
  SEND_URL: 48,
  FORWARD_X: 49,
  MSSP: 70,
  COMPRESS2: 86,
  GMCP: 201,
  EXOPL: 255,
} as const;

const commandNames: Record<number, string> = {};
for (const [name, code] of Object.entries(Cmd)) commandNames[code] = name;

const optionNames: Record<number, string> = {};
for (const [name, code] of Object.entries(Opt)) optionNames[code] = name.replace(/_/g, '-');
optionNames[Opt.TIMING_MARK] = 'TIMING-MARK';
optionNames[Opt.TTYPE] = 'TTYPE';

/** Name of a command byte, e.g. `IP`; a number for bytes that are not commands. */
export function commandName(code: number): string {
  return commandNames[code] ?? String(code);
}

/** Name of an option code, e.g. `NAWS`; the number for unregistered options. */
export function optionName(code: number): string {
  return optionNames[code] ?? String(code);
}

/** Looks an option up by name (`NAWS`, `new-environ`, `TIMING_MARK`) or decimal code. */
export function optionCode(nameOrCode: string | number): number | undefined {
  if (typeof nameOrCode === 'number') {
    return Number.isInteger(nameOrCode) && nameOrCode >= 0 && nameOrCode <= 255 ? nameOrCode : undefined;
  }
  const key = nameOrCode.trim().toUpperCase().replace(/-/g, '_');
  if (/^\d+$/.test(key)) return optionCode(Number(key));
  return (Opt as Record<string, number>)[key];
}

/** Lowest byte value that can follow IAC as a command. */
export const FIRST_COMMAND = Cmd.EOF;
