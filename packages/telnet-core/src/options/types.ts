import type { NegotiationVerb } from '../constants.js';
import type { Side, TelnetEvent, TelnetWarningCode } from '../events.js';
import type { OptionSupport, TelnetEngineOptions } from '../settings.js';

/**
 * What the engine core offers an option's behaviour: sending, reporting, and the state of the Q method.
 * One per engine; every attached handler of that engine gets the same one.
 */
export interface OptionContext {
  /** The options the engine was created with (handlers read their own settings and defaults from it). */
  readonly options: Readonly<TelnetEngineOptions>;
  /** True once the connection left Telnet (SUPDUP): nothing more may be negotiated or sent as a command. */
  readonly raw: boolean;
  /** Reports an event to the engine's handler, after the data that preceded it. */
  emit(event: TelnetEvent): void;
  warn(code: TelnetWarningCode, message: string): void;
  /** Sends IAC verb option. */
  sendNegotiation(verb: NegotiationVerb, opt: number): void;
  /** Sends IAC SB option payload IAC SE; the payload is escaped by the core. */
  sendSubnegotiation(opt: number, payload: ArrayLike<number>): void;
  isEnabled(side: Side, opt: number): boolean;
  /** The policy of one side of an option. */
  support(side: Side, opt: number): OptionSupport;
  /** Asks to enable or disable a side of an option through the Q method (`requestLocal` / `requestRemote`). */
  request(side: Side, opt: number, enable: boolean): boolean;
  /**
   * Answers an offer the handler left unanswered (`offered` returned false): accepting sends DO/WILL and
   * enables the option, refusing sends DONT/WONT and leaves it disabled.
   */
  answerOffer(side: Side, opt: number, accept: boolean): void;
  /** Sets how data is encoded and parsed: BINARY on one side (RFC 856) turns NVT rules off for that direction. */
  setBinary(side: Side, binary: boolean): void;
  /** Leaves Telnet for good: from now on every byte is data both ways (RFC 736 SUPDUP). */
  enterRaw(): void;
}

/**
 * One engine's behaviour for one option. Every hook is optional: an option without hooks is negotiated by
 * the Q method and nothing more.
 */
export interface OptionBehaviour {
  /**
   * Every WILL/WONT/DO/DONT for this option, before the Q method sees it. True: handled here, the Q method
   * is skipped (a one-shot such as TIMING-MARK).
   */
  received?(verb: NegotiationVerb): boolean;
  /**
   * The peer offers to enable a side that is off (WILL for `remote`, DO for `local`) and the policy allows it.
   * Return false to leave the offer unanswered for now, to be answered later with `answerOffer`.
   */
  offered?(side: Side): boolean;
  /** A side became enabled or disabled; called before the `option` event (for modes the data path depends on). */
  changing?(side: Side, enabled: boolean): void;
  /** A side became enabled or disabled; called after the `option` event. */
  changed?(side: Side, enabled: boolean): void;
  /** The peer answered our own request to enable a side (not an offer, not a queued change of mind). */
  answered?(side: Side, accepted: boolean): void;
  /** A subnegotiation from the peer for this option, enabled on at least one side; IAC IAC already undone. */
  subnegotiation?(data: Uint8Array, localOn: boolean, remoteOn: boolean): void;
}

/** An option: its behaviour, its default policy and how its subnegotiations read. Registered by option code. */
export interface OptionHandler {
  readonly code: number;
  /** Default policy per engine role; a role not listed refuses the option on both sides. */
  readonly policy?: {
    readonly client?: { readonly local: OptionSupport; readonly remote: OptionSupport };
    readonly server?: { readonly local: OptionSupport; readonly remote: OptionSupport };
  };
  /**
   * Not a state but a one-shot (TIMING-MARK): `requestLocal` / `requestRemote` refuse it; the handler
   * negotiates it itself through `received`.
   */
  readonly oneShot?: boolean;
  /** Names of the subnegotiation's first byte, by value (`['IS', 'SEND']`); '' for a value without a name. */
  readonly subcommands?: readonly string[];
  /** Further words that may appear in the subnegotiation (NEW-ENVIRON's VAR, VALUE…), by name. */
  readonly words?: Readonly<Record<string, number>>;
  /**
   * The readable form of a subnegotiation's payload (what follows `SB NAME`), for traces; data is not empty.
   * Without it, the first byte is named from `subcommands` and the rest shown as text or hex.
   */
  describe?(data: Uint8Array): string;
  /** Creates this option's behaviour for one engine (which keeps any per-connection state). */
  attach?(ctx: OptionContext): OptionBehaviour;
}
