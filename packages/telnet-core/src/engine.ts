import { concatBytes, escapeIac } from './bytes.js';
import { Cmd, FIRST_COMMAND, type NegotiationVerb, Opt, optionName } from './constants.js';
import type { Side, TelnetEvent, TelnetEventHandler, TelnetWarningCode } from './events.js';
import { requestCharset } from './options/charset.js';
import type { LogoutBehaviour } from './options/logout.js';
import type { NawsBehaviour } from './options/naws.js';
import { requestEnviron } from './options/new-environ.js';
import { defaultPolicy, optionHandlers } from './options/registry.js';
import type { TimingMarkBehaviour } from './options/timing-mark.js';
import { requestTerminalType } from './options/ttype.js';
import type { OptionBehaviour, OptionContext } from './options/types.js';
import { mergePolicy } from './policy.js';
import type { EolMode, LostDmMode, OptionSupport, StartMode, TelnetEngineOptions } from './settings.js';

/** IAC and a byte from here up to FIRST_COMMAND: a command no RFC defines. Below it: a 0xFF not doubled. */
const UNDEFINED_COMMANDS_FROM = 0x80;

/** Q method (RFC 1143 §7) states; bit 2 is the OPPOSITE queue bit. */
const NO = 0;
const YES = 1;
const WANTNO = 2;
const WANTYES = 3;
const OPPOSITE = 4;

const SUPPORT_REFUSE = 0;
const SUPPORT_ACCEPT = 1;
const SUPPORT_REQUEST = 2;

/** Receive states. Will/Wont/Do/Dont are consecutive, in the order of their command bytes. */
const S = {
  Data: 0,
  Cr: 1,
  F2: 2,
  Iac: 3,
  Will: 4,
  Wont: 5,
  Do: 6,
  Dont: 7,
  SbOption: 8,
  SbData: 9,
  SbIac: 10,
  SbSkip: 11,
  SbSkipIac: 12,
  Raw: 13,
} as const;
type S = (typeof S)[keyof typeof S];

const { IAC, WILL, WONT, DO, DONT, SB, SE } = Cmd;
const CR = 0x0d;
const LF = 0x0a;
const NUL = 0x00;
const LOST_DM = 0xf2;

/** Bytes of data after which an expected Synch is no longer expected (`lostDm: 'expected'`). */
const SYNCH_WINDOW = 64 * 1024;

const EMPTY = new Uint8Array(0);
const NO_WORDS = new Int32Array(0);
/** In a chunk being compacted, bytes copied one by one before a run counts as long and is copied at once. */
const DENSE_SPAN = 64;

function byteTable(bytes: number[]): Uint8Array {
  const t = new Uint8Array(256);
  for (const b of bytes) t[b] = 1;
  return t;
}

/** Bytes that end a run of data, per receive mode. */
const SPECIAL_BINARY = byteTable([IAC]);
const SPECIAL_NVT = byteTable([IAC, NUL]);
const SPECIAL_NVT_DM = byteTable([IAC, NUL, LOST_DM]);

function supportCode(s: OptionSupport | undefined): number {
  return s === 'request' ? SUPPORT_REQUEST : s === 'accept' ? SUPPORT_ACCEPT : SUPPORT_REFUSE;
}

const SUPPORT_NAMES: readonly OptionSupport[] = ['refuse', 'accept', 'request'];

/**
 * An option's behaviour with its hooks in one fixed shape, whatever the handler defined, so that the
 * engine's lookups of them stay monomorphic. Hooks are called with the behaviour as `this`.
 */
class Hooks {
  readonly received: OptionBehaviour['received'];
  readonly offered: OptionBehaviour['offered'];
  readonly changing: OptionBehaviour['changing'];
  readonly changed: OptionBehaviour['changed'];
  readonly answered: OptionBehaviour['answered'];
  readonly subnegotiation: OptionBehaviour['subnegotiation'];

  constructor(readonly behaviour: OptionBehaviour) {
    this.received = behaviour.received;
    this.offered = behaviour.offered;
    this.changing = behaviour.changing;
    this.changed = behaviour.changed;
    this.answered = behaviour.answered;
    this.subnegotiation = behaviour.subnegotiation;
  }
}

/**
 * A Telnet protocol engine, both ends. Sans-IO: feed it the peer's bytes with `receive()`, call the
 * request methods for local actions; it reports everything through one handler, and every byte that
 * must go to the peer leaves through a `send` event.
 */
export class TelnetEngine {
  private readonly handler: TelnetEventHandler;
  private readonly startMode: StartMode;
  private readonly lostDmMode: LostDmMode;
  private readonly maxSb: number;
  private readonly ctx: OptionContext;

  /** Q method state of each option for us and for him. */
  private readonly us = new Uint8Array(256);
  private readonly him = new Uint8Array(256);
  private readonly localSupport = new Uint8Array(256);
  private readonly remoteSupport = new Uint8Array(256);
  /** Each option's behaviour (its handler attached to this engine), by option code. */
  private readonly behaviours: (Hooks | undefined)[] = new Array(256).fill(undefined);
  /** 1 for a one-shot option (TIMING-MARK), which the Q method never negotiates. */
  private readonly oneShot = new Uint8Array(256);

  private state: S = S.Data;
  private eolMode: EolMode;
  private started = false;
  private awaitingPeer = false;

  // Receive-side modes, kept in fields because the hot loop reads them.
  private nvtIn = true;
  private binaryOut = false;

  // The current chunk's aligned 32-bit words, for the scanner; wordHead is the chunk index of words[0].
  private words: Int32Array = NO_WORDS;
  private wordHead = 0;

  // Pending data: a view [pStart, pEnd) of the chunk, or a compaction buffer once bytes had to be removed.
  private chunk: Uint8Array = EMPTY;
  private pStart = 0;
  private pEnd = 0;
  private pBuf: Uint8Array | null = null;
  private pLen = 0;
  /** The caller gave up the current chunk (`receive(chunk, true)`): it is compacted where it lies. */
  private owned = false;
  /** pBuf is a view of the chunk itself, from pStart: bytes move down in it, none is allocated. */
  private pInPlace = false;

  // Subnegotiation accumulator.
  private sbOption = 0;
  private sbBuf: Uint8Array = EMPTY;
  private sbLen = 0;

  // Outgoing bytes produced while inside receive(), sent as one `send` event at its end.
  private inReceive = false;
  private pendingSend: Uint8Array[] = [];

  private synchExpected = 0;
  private inputAfterCr = false;
  private raw = false;

  constructor(options: TelnetEngineOptions, handler: TelnetEventHandler) {
    this.handler = handler;
    const role = options.role ?? 'client';
    const policy = mergePolicy(defaultPolicy(role), options.policy);
    for (const [code, p] of Object.entries(policy)) {
      const opt = Number(code);
      if (!(opt >= 0 && opt <= 255)) continue;
      this.localSupport[opt] = supportCode(p.local);
      this.remoteSupport[opt] = supportCode(p.remote);
    }
    this.startMode = options.start ?? 'active';
    this.eolMode = options.eol ?? 'crlf';
    this.lostDmMode = options.lostDm ?? 'utf8';
    this.maxSb = Math.max(16, options.maxSubnegotiation ?? 4096);
    this.ctx = this.optionContext(options);
    for (const h of optionHandlers()) {
      if (h.oneShot) this.oneShot[h.code] = 1;
      if (h.attach) this.behaviours[h.code] = new Hooks(h.attach(this.ctx));
    }
  }

  /** What option handlers may do with this engine. */
  private optionContext(options: TelnetEngineOptions): OptionContext {
    const engine = this;
    return {
      options,
      get raw() {
        return engine.raw;
      },
      emit: (event) => this.emit(event),
      warn: (code, message) => this.warn(code, message),
      sendNegotiation: (verb, opt) => this.sendNegotiation(verb, opt),
      sendSubnegotiation: (opt, payload) => this.sendSubnegotiation(opt, payload),
      isEnabled: (side, opt) => this.isEnabled(side, opt),
      support: (side, opt) =>
        SUPPORT_NAMES[side === 'local' ? this.localSupport[opt]! : this.remoteSupport[opt]!]!,
      request: (side, opt, enable) =>
        side === 'local' ? this.requestLocal(opt, enable) : this.requestRemote(opt, enable),
      answerOffer: (side, opt, accept) => {
        const local = side === 'local';
        this.sendNegotiation(local ? (accept ? WILL : WONT) : accept ? DO : DONT, opt);
        if (!accept) return;
        if (local) this.setUs(opt, YES);
        else this.setHim(opt, YES);
      },
      setBinary: (side, binary) => {
        if (side === 'remote') this.nvtIn = !binary;
        else this.binaryOut = binary;
      },
      enterRaw: () => this.enterRaw(),
    };
  }

  // ---------------------------------------------------------------- state queries

  /** True when the option is enabled (YES) on that side. */
  isEnabled(side: Side, option: number): boolean {
    return ((side === 'local' ? this.us[option] : this.him[option])! & 3) === YES;
  }

  /** Q method state of one side of an option, for inspection. */
  optionState(side: Side, option: number): 'no' | 'yes' | 'wantno' | 'wantyes' {
    const s = (side === 'local' ? this.us[option] : this.him[option])! & 3;
    return s === YES ? 'yes' : s === WANTNO ? 'wantno' : s === WANTYES ? 'wantyes' : 'no';
  }

  /** Bytes the engine holds between calls (the subnegotiation buffer); never more than `maxSubnegotiation`. */
  get bufferedBytes(): number {
    return this.sbBuf.length;
  }

  /** True once SUPDUP was agreed: Telnet is off and bytes pass raw both ways. */
  get isRaw(): boolean {
    return this.raw;
  }

  get eol(): EolMode {
    return this.eolMode;
  }

  set eol(mode: EolMode) {
    this.eolMode = mode;
  }

  /** True while a Synch (DM) is expected from the peer after an IP/AO/AYT/BRK we sent. */
  get synchPending(): boolean {
    return this.synchExpected > 0;
  }

  // ---------------------------------------------------------------- start

  /** Call once the connection is up. Active start offers our `request` options; passive waits for the peer. */
  start(): void {
    if (this.started || this.awaitingPeer) return;
    if (this.startMode === 'passive') {
      this.awaitingPeer = true;
      return;
    }
    this.sendStartRequests();
  }

  private sendStartRequests(): void {
    this.started = true;
    this.awaitingPeer = false;
    for (let opt = 0; opt < 256; opt++) {
      if (this.remoteSupport[opt] === SUPPORT_REQUEST && (this.him[opt]! & 3) === NO)
        this.requestRemote(opt, true);
      if (this.localSupport[opt] === SUPPORT_REQUEST && (this.us[opt]! & 3) === NO)
        this.requestLocal(opt, true);
    }
  }

  // ---------------------------------------------------------------- receive

  /**
   * Feeds bytes from the peer. Events are delivered synchronously, in stream order.
   *
   * `owned`: the caller hands the chunk over and will not read it again (a socket's fresh read buffer).
   * Where bytes must be removed (IAC IAC, CR NUL) the engine then compacts the chunk in place instead of
   * copying it into a new buffer; data events are views of it either way. Bytes only ever move toward
   * the chunk's start, and never into a view already handed out.
   */
  receive(chunk: Uint8Array, owned = false): void {
    const n = chunk.length;
    if (n === 0) return;
    this.inReceive = true;
    this.owned = owned;
    this.chunk = chunk;
    const offset = chunk.byteOffset;
    const aligned = (offset + 3) & ~3;
    this.wordHead = aligned - offset;
    const count = n > this.wordHead + 16 ? (n - this.wordHead) >> 2 : 0;
    this.words = count > 0 ? new Int32Array(chunk.buffer, aligned, count) : NO_WORDS;
    try {
      this.parse(chunk, n);
    } finally {
      this.flushData();
      this.chunk = EMPTY;
      this.owned = false;
      this.words = NO_WORDS;
      this.inReceive = false;
      if (this.synchExpected > 0) this.synchExpected = Math.max(0, this.synchExpected - n);
      this.flushSend();
    }
  }

  private parse(chunk: Uint8Array, n: number): void {
    let i = 0;
    while (i < n) {
      switch (this.state) {
        case S.Data:
          i = this.scanData(chunk, i, n);
          break;
        case S.Raw:
          this.pushData(i, n);
          i = n;
          break;
        case S.Cr:
          // CR NUL is a bare carriage return: the CR went out already, drop the NUL.
          this.state = S.Data;
          if (chunk[i] === NUL) i++;
          break;
        case S.F2: {
          // A 0xF2 ended the previous chunk; this byte tells data from a lost DM. It is not consumed here.
          this.state = S.Data;
          const b = chunk[i]!;
          if (b >= 0x80 && b <= 0xbf) this.pushConst(LOST_DM);
          else this.lostDm();
          break;
        }
        case S.Iac:
          i = this.onIac(chunk[i]!, i);
          break;
        case S.Will:
        case S.Wont:
        case S.Do:
        case S.Dont: {
          const verb = (WILL + (this.state - S.Will)) as NegotiationVerb;
          this.state = S.Data;
          this.onNegotiation(verb, chunk[i]!);
          i++;
          break;
        }
        case S.SbOption:
          this.sbOption = chunk[i]!;
          this.sbLen = 0;
          this.state = S.SbData;
          i++;
          break;
        case S.SbData: {
          let j = chunk.indexOf(IAC, i);
          if (j < 0) j = n;
          if (!this.sbAppend(chunk, i, j)) {
            this.state = S.SbSkip;
            i = j;
            break;
          }
          if (j < n) this.state = S.SbIac;
          i = j < n ? j + 1 : n;
          break;
        }
        case S.SbIac: {
          const b = chunk[i]!;
          if (b === SE) {
            this.state = S.Data;
            i++;
            this.finishSubnegotiation();
          } else if (b === IAC) {
            this.state = S.SbData;
            if (!this.sbAppend(chunk, i, i + 1)) this.state = S.SbSkip;
            i++;
          } else {
            // IAC <command> inside SB: the SB was never terminated. Discard it and run the command.
            this.warn(
              'TELNET_ERR_SB_INTERRUPTED',
              `subnegotiation for ${optionName(this.sbOption)} interrupted by IAC ${b}; discarded`,
            );
            this.state = S.Iac;
          }
          break;
        }
        case S.SbSkip: {
          const j = chunk.indexOf(IAC, i);
          if (j < 0) {
            i = n;
          } else {
            this.state = S.SbSkipIac;
            i = j + 1;
          }
          break;
        }
        case S.SbSkipIac: {
          const b = chunk[i]!;
          if (b === SE) {
            this.state = S.Data;
            i++;
          } else if (b === IAC) {
            this.state = S.SbSkip;
            i++;
          } else {
            this.state = S.Iac;
          }
          break;
        }
      }
    }
  }

  /**
   * The data fast path: hands on runs between special bytes as views of the chunk. The special bytes are IAC,
   * and in NVT mode NUL (to drop the NUL of CR NUL, found by looking back one byte) and 0xF2 (a possible lost DM).
   * None of them occurs in ordinary text, so text passes as one run per chunk.
   */
  private scanData(chunk: Uint8Array, from: number, n: number): number {
    const nvt = this.nvtIn;
    let table = nvt ? (this.lostDmActive() ? SPECIAL_NVT_DM : SPECIAL_NVT) : SPECIAL_BINARY;
    let i = from;
    let runStart = from;
    for (;;) {
      let j: number;
      if (this.pBuf !== null) {
        // Bytes were already removed from this chunk: copy and scan in one pass, the cheapest way for dense input.
        // First the bytes kept since the run began (a NUL not after CR, a 0xF2 that starts UTF-8).
        this.pushData(runStart, i);
        const out = this.pBuf;
        let o = this.pLen;
        j = i;
        const near = Math.min(n, i + DENSE_SPAN);
        while (j < near) {
          const c = chunk[j]!;
          if (table[c] !== 0) break;
          out[o++] = c;
          j++;
        }
        if (j === near && j < n) {
          // A long run (an escaped IAC every few KiB of text): find its end with the word scanner and copy it
          // in one go, instead of byte by byte to the end of the chunk.
          const end = this.findSpecial(chunk, j, n, table);
          if (this.pInPlace) out.copyWithin(o, j - this.pStart, end - this.pStart);
          else out.set(chunk.subarray(j, end), o);
          o += end - j;
          j = end;
        }
        this.pLen = o;
        runStart = j;
      } else {
        j = this.findSpecial(chunk, i, n, table);
      }
      if (j >= n) {
        this.pushData(runStart, n);
        // A CR ending the chunk may be followed by the NUL of CR NUL in the next one.
        if (nvt && n > from && chunk[n - 1] === CR) this.state = S.Cr;
        return n;
      }
      const b = chunk[j];
      if (b === IAC) {
        if (j + 1 < n && chunk[j + 1] === IAC) {
          // Escaped 0xFF: keep the first byte of the pair, skip the second.
          this.pushData(runStart, j + 1);
          i = j + 2;
          runStart = i;
          continue;
        }
        this.pushData(runStart, j);
        this.state = S.Iac;
        return j + 1;
      }
      if (b === NUL) {
        if (j > from && chunk[j - 1] === CR) {
          // CR NUL is a bare carriage return: drop the NUL.
          this.pushData(runStart, j);
          runStart = j + 1;
        }
        i = j + 1;
        continue;
      }
      // 0xF2: a lost DM unless a UTF-8 continuation byte follows.
      if (j + 1 >= n) {
        this.pushData(runStart, j);
        this.state = S.F2;
        return n;
      }
      const next = chunk[j + 1]!;
      if (next >= 0x80 && next <= 0xbf) {
        i = j + 1;
        continue;
      }
      this.pushData(runStart, j);
      this.lostDm();
      i = j + 1;
      runStart = i;
      if (!this.lostDmActive()) table = SPECIAL_NVT;
    }
  }

  /**
   * Index of the first byte at or after `i` marked in `table`, or `n`. Aligned 32-bit words are tested four
   * bytes at a time with the classic "has a zero byte" bit trick, which is several times faster than a byte
   * loop and than one indexOf per special byte.
   */
  private findSpecial(chunk: Uint8Array, i: number, n: number, table: Uint8Array): number {
    const words = this.words;
    const head = this.wordHead;
    // Bytes before the first aligned word, and up to the next word boundary.
    while (i < n && (i < head || ((i - head) & 3) !== 0)) {
      if (table[chunk[i]!] !== 0) return i;
      i++;
    }
    if (i >= n) return n;
    let w = (i - head) >> 2;
    const wEnd = words.length;
    if (table === SPECIAL_BINARY) {
      for (; w < wEnd; w++) {
        const ff = ~words[w]!;
        if ((ff - 0x01010101) & ~ff & 0x80808080) break;
      }
    } else if (table === SPECIAL_NVT) {
      for (; w < wEnd; w++) {
        const v = words[w]!;
        const ff = ~v;
        if ((((ff - 0x01010101) & ~ff) | ((v - 0x01010101) & ~v)) & 0x80808080) break;
      }
    } else {
      for (; w < wEnd; w++) {
        const v = words[w]!;
        const ff = ~v;
        const f2 = v ^ 0xf2f2f2f2;
        if ((((ff - 0x01010101) & ~ff) | ((v - 0x01010101) & ~v) | ((f2 - 0x01010101) & ~f2)) & 0x80808080)
          break;
      }
    }
    i = head + (w << 2);
    while (i < n && table[chunk[i]!] === 0) i++;
    return i;
  }

  private lostDmActive(): boolean {
    return this.lostDmMode === 'utf8' || (this.lostDmMode === 'expected' && this.synchExpected > 0);
  }

  private lostDm(): void {
    this.synchExpected = 0;
    this.emit({ type: 'command', command: Cmd.DM, lost: true });
  }

  /** Handles the byte after IAC; returns the next index (the byte is left unconsumed when it is reprocessed as data). */
  private onIac(b: number, i: number): number {
    switch (b) {
      case IAC:
        this.state = S.Data;
        this.pushData(i, i + 1);
        return i + 1;
      case WILL:
        this.state = S.Will;
        return i + 1;
      case WONT:
        this.state = S.Wont;
        return i + 1;
      case DO:
        this.state = S.Do;
        return i + 1;
      case DONT:
        this.state = S.Dont;
        return i + 1;
      case SB:
        this.state = S.SbOption;
        return i + 1;
    }
    this.state = S.Data;
    if (b < UNDEFINED_COMMANDS_FROM) {
      // Not a command: a host that failed to double a data 0xFF. Drop the IAC, keep the byte as data.
      this.warn('TELNET_ERR_BAD_IAC', `IAC followed by ${b}, which is not a command; the IAC was dropped`);
      return i;
    }
    if (b < FIRST_COMMAND) {
      // A command byte no RFC defines: RFC 1123 §3.2.3 says to ignore it. Shown to the inspector, never
      // drawn as data.
      this.traceIn(Uint8Array.of(IAC, b));
      return i + 1;
    }
    this.traceIn(Uint8Array.of(IAC, b));
    if (b === Cmd.DM) this.synchExpected = 0;
    this.emit({ type: 'command', command: b });
    return i + 1;
  }

  // ---------------------------------------------------------------- pending data

  private pushData(a: number, b: number): void {
    if (a >= b) return;
    if (this.pBuf !== null) {
      this.copyIntoPending(a, b);
      return;
    }
    if (this.pEnd === this.pStart) {
      this.pStart = a;
      this.pEnd = b;
      return;
    }
    if (this.pEnd === a) {
      this.pEnd = b;
      return;
    }
    // Bytes were removed between the pending run and this one: switch to one compacted buffer for the chunk
    // (the chunk itself when the caller handed it over: the pending run is already in place there).
    const held = this.pEnd - this.pStart;
    if (this.owned) {
      this.pBuf = this.chunk.subarray(this.pStart);
      this.pInPlace = true;
    } else {
      const buf = new Uint8Array(held + (this.chunk.length - a));
      buf.set(this.chunk.subarray(this.pStart, this.pEnd), 0);
      this.pBuf = buf;
    }
    this.pLen = held;
    this.copyIntoPending(a, b);
  }

  private copyIntoPending(a: number, b: number): void {
    const buf = this.pBuf!;
    const src = this.chunk;
    let o = this.pLen;
    if (b - a > 32) {
      // In place, the source lies further on in the same bytes: copyWithin moves them down (memmove).
      if (this.pInPlace) buf.copyWithin(o, a - this.pStart, b - this.pStart);
      else buf.set(src.subarray(a, b), o);
      o += b - a;
    } else {
      // In place this reads each byte before anything is written over it (o + pStart ≤ k).
      for (let k = a; k < b; k++) buf[o++] = src[k]!;
    }
    this.pLen = o;
  }

  /** A data byte that is not in the current chunk (a 0xF2 held over from the previous one). */
  private pushConst(byte: number): void {
    if (this.pBuf === null) {
      // Never in place: the byte comes before the chunk, so the chunk has no room for it.
      const held = this.pEnd - this.pStart;
      const buf = new Uint8Array(held + 1 + this.chunk.length);
      if (held > 0) buf.set(this.chunk.subarray(this.pStart, this.pEnd), 0);
      this.pBuf = buf;
      this.pLen = held;
    }
    this.pBuf[this.pLen++] = byte;
  }

  private flushData(): void {
    let data: Uint8Array | null = null;
    if (this.pBuf !== null) {
      if (this.pLen > 0) data = this.pBuf.subarray(0, this.pLen);
      this.pBuf = null;
      this.pInPlace = false;
      this.pLen = 0;
    } else if (this.pEnd > this.pStart) {
      data = this.chunk.subarray(this.pStart, this.pEnd);
    }
    this.pStart = this.pEnd = 0;
    if (data !== null) this.handler({ type: 'data', data });
  }

  /** Every non-data event goes through here, after the data that preceded it. */
  private emit(event: TelnetEvent): void {
    this.flushData();
    this.handler(event);
  }

  private warn(code: TelnetWarningCode, message: string): void {
    this.emit({ type: 'warning', code, message });
  }

  // ---------------------------------------------------------------- subnegotiation

  /** Appends chunk[a..b) to the SB buffer; false (after one warning) when the cap is passed. */
  private sbAppend(chunk: Uint8Array, a: number, b: number): boolean {
    const len = b - a;
    if (len === 0) return true;
    const need = this.sbLen + len;
    if (need > this.maxSb) {
      this.warn(
        'TELNET_ERR_SB_OVERFLOW',
        `subnegotiation for ${optionName(this.sbOption)} exceeds ${this.maxSb} bytes; discarded`,
      );
      this.sbLen = 0;
      return false;
    }
    if (need > this.sbBuf.length) {
      let size = Math.max(64, this.sbBuf.length * 2);
      while (size < need) size *= 2;
      const grown = new Uint8Array(Math.min(size, this.maxSb));
      grown.set(this.sbBuf.subarray(0, this.sbLen));
      this.sbBuf = grown;
    }
    this.sbBuf.set(chunk.subarray(a, b), this.sbLen);
    this.sbLen = need;
    return true;
  }

  private finishSubnegotiation(): void {
    const opt = this.sbOption;
    const data = this.sbBuf.slice(0, this.sbLen);
    this.sbLen = 0;
    // Keep long-lived memory small: a grown buffer is given back after use.
    if (this.sbBuf.length > 256) this.sbBuf = EMPTY;
    this.traceIn(encodeSubnegotiation(opt, data));
    const localOn = (this.us[opt]! & 3) === YES;
    const remoteOn = (this.him[opt]! & 3) === YES;
    if (!localOn && !remoteOn) {
      this.warn(
        'TELNET_ERR_BAD_SUBNEGOTIATION',
        `subnegotiation for ${optionName(opt)}, which is not enabled`,
      );
      return;
    }
    this.emit({ type: 'subnegotiation', option: opt, data });
    if (this.awaitingPeer) this.sendStartRequests();
    const hooks = this.behaviours[opt];
    hooks?.subnegotiation?.call(hooks.behaviour, data, localOn, remoteOn);
  }

  // ---------------------------------------------------------------- negotiation (RFC 1143 §7)

  private onNegotiation(verb: NegotiationVerb, opt: number): void {
    this.traceIn(Uint8Array.of(IAC, verb, opt));
    const b = this.behaviours[opt];
    if (b?.received?.call(b.behaviour, verb)) {
      // Handled by the option itself.
    } else if (verb === WILL) this.receivedWill(opt);
    else if (verb === WONT) this.receivedWont(opt);
    else if (verb === DO) this.receivedDo(opt);
    else this.receivedDont(opt);
    if (this.awaitingPeer && !this.raw) this.sendStartRequests();
  }

  private receivedWill(opt: number): void {
    const st = this.him[opt]!;
    switch (st & 3) {
      case NO:
        if (this.remoteSupport[opt] === SUPPORT_REFUSE) {
          this.sendNegotiation(DONT, opt);
        } else if (this.offered(opt, 'remote') === false) {
          // The option answers later (an auto-logout warning waits for the user).
        } else {
          this.sendNegotiation(DO, opt);
          this.setHim(opt, YES);
        }
        break;
      case YES:
        break;
      case WANTNO:
        if (st & OPPOSITE) {
          this.setHim(opt, YES);
        } else {
          this.warn('TELNET_ERR_NEGOTIATION_VIOLATION', `DONT ${optionName(opt)} answered by WILL`);
          this.setHim(opt, NO);
        }
        break;
      case WANTYES:
        if (st & OPPOSITE) {
          this.sendNegotiation(DONT, opt);
          this.setHim(opt, WANTNO);
        } else {
          this.setHim(opt, YES);
          this.answered(opt, 'remote', true);
        }
        break;
    }
  }

  private receivedWont(opt: number): void {
    const st = this.him[opt]!;
    switch (st & 3) {
      case NO:
        break;
      case YES:
        this.sendNegotiation(DONT, opt);
        this.setHim(opt, NO);
        break;
      case WANTNO:
        if (st & OPPOSITE) {
          this.sendNegotiation(DO, opt);
          this.setHim(opt, WANTYES);
        } else {
          this.setHim(opt, NO);
        }
        break;
      case WANTYES:
        this.setHim(opt, NO);
        if (!(st & OPPOSITE)) {
          this.emit({ type: 'option-refused', side: 'remote', option: opt });
          this.answered(opt, 'remote', false);
        }
        break;
    }
  }

  private receivedDo(opt: number): void {
    const st = this.us[opt]!;
    switch (st & 3) {
      case NO:
        if (this.localSupport[opt] === SUPPORT_REFUSE) {
          this.sendNegotiation(WONT, opt);
        } else if (this.offered(opt, 'local') === false) {
          // The option answers later.
        } else {
          this.sendNegotiation(WILL, opt);
          this.setUs(opt, YES);
        }
        break;
      case YES:
        break;
      case WANTNO:
        if (st & OPPOSITE) {
          this.setUs(opt, YES);
        } else {
          this.warn('TELNET_ERR_NEGOTIATION_VIOLATION', `WONT ${optionName(opt)} answered by DO`);
          this.setUs(opt, NO);
        }
        break;
      case WANTYES:
        if (st & OPPOSITE) {
          this.sendNegotiation(WONT, opt);
          this.setUs(opt, WANTNO);
        } else {
          this.setUs(opt, YES);
          this.answered(opt, 'local', true);
        }
        break;
    }
  }

  private receivedDont(opt: number): void {
    const st = this.us[opt]!;
    switch (st & 3) {
      case NO:
        break;
      case YES:
        this.sendNegotiation(WONT, opt);
        this.setUs(opt, NO);
        break;
      case WANTNO:
        if (st & OPPOSITE) {
          this.sendNegotiation(WILL, opt);
          this.setUs(opt, WANTYES);
        } else {
          this.setUs(opt, NO);
        }
        break;
      case WANTYES:
        this.setUs(opt, NO);
        if (!(st & OPPOSITE)) {
          this.emit({ type: 'option-refused', side: 'local', option: opt });
          this.answered(opt, 'local', false);
        }
        break;
    }
  }

  /** Asks to enable or disable our side of an option (WILL/WONT), queueing per the Q method. */
  requestLocal(opt: number, enable: boolean): boolean {
    if (enable && this.localSupport[opt] === SUPPORT_REFUSE) {
      return this.refuseRequest(`${optionName(opt)} is not allowed on our side by policy`);
    }
    return this.request(opt, enable, this.us, WILL, WONT, (s) => this.setUs(opt, s));
  }

  /** Asks the peer to enable or disable its side of an option (DO/DONT), queueing per the Q method. */
  requestRemote(opt: number, enable: boolean): boolean {
    if (enable && this.remoteSupport[opt] === SUPPORT_REFUSE) {
      return this.refuseRequest(`${optionName(opt)} is not allowed on the peer's side by policy`);
    }
    return this.request(opt, enable, this.him, DO, DONT, (s) => this.setHim(opt, s));
  }

  private request(
    opt: number,
    enable: boolean,
    table: Uint8Array,
    yesVerb: NegotiationVerb,
    noVerb: NegotiationVerb,
    set: (s: number) => void,
  ): boolean {
    if (this.raw || this.oneShot[opt] === 1)
      return this.refuseRequest(`cannot negotiate ${optionName(opt)} now`);
    const st = table[opt]!;
    const s = st & 3;
    const q = st & OPPOSITE;
    const name = optionName(opt);
    if (enable) {
      if (s === NO) {
        this.sendNegotiation(yesVerb, opt);
        set(WANTYES);
        return true;
      }
      if (s === YES) return this.refuseRequest(`${name} is already enabled`);
      if (s === WANTNO) {
        if (q) return this.refuseRequest(`${name}: enable already queued`);
        table[opt] = WANTNO | OPPOSITE;
        return true;
      }
      if (!q) return this.refuseRequest(`${name} is already being negotiated`);
      table[opt] = WANTYES;
      return true;
    }
    if (s === NO) return this.refuseRequest(`${name} is already disabled`);
    if (s === YES) {
      this.sendNegotiation(noVerb, opt);
      set(WANTNO);
      return true;
    }
    if (s === WANTYES) {
      if (q) return this.refuseRequest(`${name}: disable already queued`);
      table[opt] = WANTYES | OPPOSITE;
      return true;
    }
    if (!q) return this.refuseRequest(`${name} is already being disabled`);
    table[opt] = WANTNO;
    return true;
  }

  private refuseRequest(message: string): false {
    this.warn('TELNET_ERR_BAD_REQUEST', message);
    return false;
  }

  private setUs(opt: number, s: number): void {
    const was = (this.us[opt]! & 3) === YES;
    this.us[opt] = s;
    const now = s === YES;
    if (was !== now) this.optionChanged('local', opt, now);
  }

  private setHim(opt: number, s: number): void {
    const was = (this.him[opt]! & 3) === YES;
    this.him[opt] = s;
    const now = s === YES;
    if (was !== now) this.optionChanged('remote', opt, now);
  }

  private optionChanged(side: Side, opt: number, enabled: boolean): void {
    const b = this.behaviours[opt];
    b?.changing?.call(b.behaviour, side, enabled);
    this.emit({ type: 'option', side, option: opt, enabled });
    b?.changed?.call(b.behaviour, side, enabled);
  }

  private offered(opt: number, side: Side): boolean | undefined {
    const b = this.behaviours[opt];
    return b?.offered?.call(b.behaviour, side);
  }

  private answered(opt: number, side: Side, accepted: boolean): void {
    const b = this.behaviours[opt];
    b?.answered?.call(b.behaviour, side, accepted);
  }

  private enterRaw(): void {
    // No more Telnet: 0xFF is an ordinary byte.
    this.raw = true;
    this.state = S.Raw;
    this.emit({ type: 'mode', mode: 'supdup' });
  }

  // ---------------------------------------------------------------- local actions

  /** Sends data with NVT rules: IAC doubled; outside BINARY a CR not followed by LF goes as CR NUL. */
  sendData(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.raw) {
      this.out(data);
      return;
    }
    const nvt = !this.binaryOut;
    if (data.indexOf(IAC) < 0 && (!nvt || everyCrHasLf(data))) {
      this.noteSynchTriggers(data);
      this.out(data);
      return;
    }
    const out = new Uint8Array(data.length * 2);
    let o = 0;
    for (let k = 0; k < data.length; k++) {
      const b = data[k]!;
      out[o++] = b;
      if (b === IAC) out[o++] = IAC;
      else if (b === CR && nvt && data[k + 1] !== LF) out[o++] = NUL;
    }
    this.noteSynchTriggers(data);
    this.out(out.subarray(0, o));
  }

  /**
   * Sends what the user typed: a CR (Enter) becomes the end-of-line sequence of the EOL mode (in BINARY mode
   * it stays CR), a CR LF pair counts as one Enter, and IAC is doubled.
   */
  sendInput(data: Uint8Array): void {
    if (data.length === 0) return;
    if (this.raw) {
      this.out(data);
      return;
    }
    let start = 0;
    if (this.inputAfterCr && data[0] === LF) start = 1;
    this.inputAfterCr = data[data.length - 1] === CR;
    const body = start === 0 ? data : data.subarray(start);
    if (body.indexOf(IAC) < 0 && body.indexOf(CR) < 0) {
      if (body.length > 0) {
        this.noteSynchTriggers(body);
        this.out(body);
      }
      return;
    }
    const eol = this.binaryOut
      ? [CR]
      : this.eolMode === 'crlf'
        ? [CR, LF]
        : this.eolMode === 'crnul'
          ? [CR, NUL]
          : [LF];
    const out = new Uint8Array(body.length * 2);
    let o = 0;
    for (let k = 0; k < body.length; k++) {
      const b = body[k]!;
      if (b === CR) {
        for (const e of eol) out[o++] = e;
        if (body[k + 1] === LF) k++;
      } else {
        out[o++] = b;
        if (b === IAC) out[o++] = IAC;
      }
    }
    this.noteSynchTriggers(body);
    this.out(out.subarray(0, o));
  }

  /** Sends a two-byte command (IP, AO, AYT, BRK, EC, EL, GA, NOP, DM, EOR…). */
  sendCommand(command: number): void {
    if (this.raw) return;
    if (command === Cmd.IP || command === Cmd.AO || command === Cmd.AYT || command === Cmd.BRK) {
      this.synchExpected = SYNCH_WINDOW;
    }
    this.sendCommandBytes(Uint8Array.of(IAC, command));
  }

  /** Sends a subnegotiation; the payload is escaped here. */
  sendSubnegotiation(opt: number, payload: ArrayLike<number>): void {
    if (this.raw) return;
    this.sendCommandBytes(encodeSubnegotiation(opt, payload));
  }

  /** Records the window size and sends NAWS when our NAWS is enabled (never before the peer's DO NAWS). */
  setWindowSize(cols: number, rows: number): void {
    (this.behaviours[Opt.NAWS]?.behaviour as NawsBehaviour | undefined)?.setWindowSize(cols, rows);
  }

  /** Sends DO TIMING-MARK; a `timing-mark` event follows once the peer's answer arrives. */
  requestTimingMark(): void {
    (this.behaviours[Opt.TIMING_MARK]?.behaviour as TimingMarkBehaviour | undefined)?.request();
  }

  /**
   * RFC 727: asks the peer to log the user out (DO LOGOUT). A `logout` event reports WILL (accepted) or WONT
   * (refused). After an auto-logout warning this confirms it.
   */
  requestLogout(): boolean {
    const logout = this.behaviours[Opt.LOGOUT]?.behaviour as LogoutBehaviour | undefined;
    return logout ? logout.request() : this.requestRemote(Opt.LOGOUT, true);
  }

  /** Answers a `logout-warning`: `false` sends DONT LOGOUT ("stay logged in"), `true` lets the host log out. */
  answerAutoLogout(allow: boolean): boolean {
    const logout = this.behaviours[Opt.LOGOUT]?.behaviour as LogoutBehaviour | undefined;
    return logout ? logout.answerAutoLogout(allow) : this.refuseRequest('no auto-logout warning to answer');
  }

  /** Server side: asks the peer for its (next) terminal type. */
  requestTerminalType(): void {
    requestTerminalType(this.ctx);
  }

  /** Server side: asks the peer for its environment (all variables). */
  requestEnviron(): void {
    requestEnviron(this.ctx);
  }

  /** Offers character sets (RFC 2066 REQUEST); a `charset` event reports the answer. */
  requestCharset(charsets: readonly string[]): void {
    requestCharset(this.ctx, charsets);
  }

  private noteSynchTriggers(data: Uint8Array): void {
    // ^C, ^O and ^\ typed as data make some hosts answer with a Synch (urgent DM).
    if (this.lostDmMode !== 'expected') return;
    if (data.indexOf(0x03) >= 0 || data.indexOf(0x0f) >= 0 || data.indexOf(0x1c) >= 0) {
      this.synchExpected = SYNCH_WINDOW;
    }
  }

  // ---------------------------------------------------------------- output

  private sendNegotiation(verb: NegotiationVerb, opt: number): void {
    this.sendCommandBytes(Uint8Array.of(IAC, verb, opt));
  }

  private sendCommandBytes(bytes: Uint8Array): void {
    this.emit({ type: 'trace', direction: 'out', bytes });
    this.out(bytes);
  }

  private traceIn(bytes: Uint8Array): void {
    this.emit({ type: 'trace', direction: 'in', bytes });
  }

  private out(bytes: Uint8Array): void {
    if (this.inReceive) {
      this.pendingSend.push(bytes);
      return;
    }
    this.handler({ type: 'send', data: bytes });
  }

  private flushSend(): void {
    const parts = this.pendingSend;
    if (parts.length === 0) return;
    this.pendingSend = [];
    this.handler({ type: 'send', data: parts.length === 1 ? parts[0]! : concatBytes(parts) });
  }
}

/** True when every CR in `data` is followed by LF, so NVT encoding would leave it unchanged. */
function everyCrHasLf(data: Uint8Array): boolean {
  for (let k = data.indexOf(CR); k >= 0; k = data.indexOf(CR, k + 1)) {
    if (data[k + 1] !== LF) return false;
  }
  return true;
}

/** IAC SB option <payload, IAC doubled> IAC SE. */
export function encodeSubnegotiation(opt: number, payload: ArrayLike<number>): Uint8Array {
  const body = escapeIac(payload);
  const out = new Uint8Array(body.length + 5);
  out[0] = IAC;
  out[1] = SB;
  out[2] = opt;
  out.set(body, 3);
  out[out.length - 2] = IAC;
  out[out.length - 1] = SE;
  return out;
}
