/** Which side of the connection an option state belongs to. `local` is us (WILL/WONT we send), `remote` is the peer (DO/DONT we send). */
export type Side = 'local' | 'remote';

/** Stable codes for the warnings the engine reports. None of them stops the engine. */
export type TelnetWarningCode =
  /** A subnegotiation grew past `maxSubnegotiation`; the rest up to IAC SE was discarded. */
  | 'TELNET_ERR_SB_OVERFLOW'
  /** IAC SB … was cut short by an IAC command other than SE; the partial subnegotiation was discarded. */
  | 'TELNET_ERR_SB_INTERRUPTED'
  /** IAC followed by a byte that is not a command (< 236): the IAC was dropped and the byte kept as data. */
  | 'TELNET_ERR_BAD_IAC'
  /** A subnegotiation for an option that is not enabled, or whose content is malformed; ignored. */
  | 'TELNET_ERR_BAD_SUBNEGOTIATION'
  /** The peer answered our disable request by enabling (RFC 1143 "DONT answered by WILL"). */
  | 'TELNET_ERR_NEGOTIATION_VIOLATION'
  /** A local request the Q method refuses (already enabled, already negotiating…). */
  | 'TELNET_ERR_BAD_REQUEST';

export type TelnetEvent =
  /**
   * Data for the terminal: a view of the chunk given to `receive()` when nothing was removed from it, or a
   * fresh buffer. The engine never changes it afterwards; the caller must not change or reuse that chunk
   * while it keeps these bytes (README, "Buffer ownership").
   */
  | { type: 'data'; data: Uint8Array }
  /** Bytes to write to the peer, already Telnet-encoded. Every outgoing byte goes through this event. */
  | { type: 'send'; data: Uint8Array }
  /**
   * A two-byte command from the peer: NOP, DM, BRK, IP, AO, AYT, EC, EL, GA, EOR, ABORT, SUSP, EOF, or an unknown
   * one (≥ 236). `lost` marks a DM recovered from a bare 0xF2, the trace left by TCP urgent data.
   */
  | { type: 'command'; command: number; lost?: boolean }
  /** An option became enabled or disabled on one side (only YES counts as enabled, per RFC 1143). */
  | { type: 'option'; side: Side; option: number; enabled: boolean }
  /** The peer refused our request to enable an option (WONT/DONT answering our WILL/DO); it stays off. */
  | { type: 'option-refused'; side: Side; option: number }
  /** A complete subnegotiation from the peer, IAC IAC already undone. */
  | { type: 'subnegotiation'; option: number; data: Uint8Array }
  /** Every Telnet command both ways, as its exact bytes (IAC …), for a negotiation inspector. */
  | { type: 'trace'; direction: 'in' | 'out'; bytes: Uint8Array }
  /** The peer's window size (NAWS, when the peer sends it). */
  | { type: 'window-size'; cols: number; rows: number }
  /** The peer's terminal type (TTYPE IS). */
  | { type: 'terminal-type'; name: string }
  /** The peer's environment (NEW-ENVIRON IS or INFO). */
  | { type: 'environ'; kind: 'is' | 'info'; vars: EnvironVar[] }
  /** A character set was agreed (RFC 2066), or our request was rejected (`charset` undefined). */
  | { type: 'charset'; charset: string | undefined }
  /** The peer answered our DO TIMING-MARK: all output before the mark has been received. */
  | { type: 'timing-mark' }
  /** RFC 727: the peer sent WILL LOGOUT without being asked — it is about to log the user out. Answer with `answerAutoLogout()`. */
  | { type: 'logout-warning' }
  /** RFC 727: the answer to our DO LOGOUT. */
  | { type: 'logout'; result: 'accepted' | 'refused' }
  /** The connection left Telnet for another protocol: after SUPDUP (RFC 736) every byte is data both ways. */
  | { type: 'mode'; mode: 'supdup' }
  | { type: 'warning'; code: TelnetWarningCode; message: string };

export interface EnvironVar {
  kind: 'var' | 'uservar';
  name: string;
  /** undefined when the variable was sent without VALUE (defined but no value). */
  value: string | undefined;
}

export type TelnetEventHandler = (event: TelnetEvent) => void;
