import { basename } from 'node:path';
import type { AuditFields, AuditLog } from './audit.js';
import type { CastResult, CastWriter } from './cast-writer.js';
import type { RecordingStore } from './store.js';

/** Who, from where, to what: the fields every audit record of a session carries. */
export interface JournalSubject {
  readonly sessionId: string;
  readonly user: string;
  readonly clientIp: string;
  readonly target: string;
  readonly host: string;
  readonly port: number;
  readonly startedAt: Date;
}

/** How the session ended, for its `ended` record. */
export interface JournalEnding {
  readonly outcome: string;
  readonly closeCode?: number | undefined;
  readonly bytesFromHost: number;
  readonly bytesToHost: number;
}

/**
 * One session's audit records and recording. The relay tells it what happens (output, resizes, Telnet
 * actions, detach and resume); it writes the audit log and the asciicast file. It never sees the
 * sign-in the gateway types for the user, and records what the user types only when input
 * recording is on.
 */
export class SessionJournal {
  #logoutResult: string | undefined;
  #ended = false;

  constructor(
    private readonly subject: JournalSubject,
    private readonly audit: AuditLog,
    private readonly cast?: CastWriter,
    private readonly store?: RecordingStore,
    private readonly recordInput = false,
  ) {}

  /** Whether the session is being recorded. */
  get recording(): boolean {
    return this.cast !== undefined;
  }

  #fields(): AuditFields {
    const { sessionId, user, clientIp, target, host, port, startedAt } = this.subject;
    return {
      sessionId,
      user,
      clientIp,
      target,
      host,
      port,
      startedAt: startedAt.toISOString(),
      ...(this.cast && { recording: basename(this.cast.path) }),
    };
  }

  opened(): void {
    this.audit.write('opened', this.#fields());
  }

  output(utf8: Uint8Array): void {
    this.cast?.output(utf8);
  }

  input(utf8: Uint8Array): void {
    if (this.recordInput) this.cast?.input(utf8);
  }

  resize(cols: number, rows: number): void {
    this.cast?.resize(cols, rows);
  }

  /** A Telnet action the user asked for (interrupt, break, logout…). */
  action(action: string): void {
    this.cast?.marker(action);
  }

  logoutResult(result: string): void {
    this.#logoutResult = result;
    this.cast?.marker(`logout ${result}`);
  }

  detached(reason: string, bytes: { bytesFromHost: number; bytesToHost: number }): void {
    if (this.#ended) return;
    this.cast?.marker('detached');
    this.audit.write('detached', { ...this.#fields(), reason, ...bytes });
  }

  resumed(clientIp: string, awayMs: number): void {
    if (this.#ended) return;
    this.cast?.marker('resumed');
    this.audit.write('resumed', { ...this.#fields(), clientIp, awayMs });
  }

  /** An observer (`/ws?watch=`) started watching; `observers` counts them now. */
  observerJoined(observer: string, observerIp: string, observers: number): void {
    if (this.#ended) return;
    this.audit.write('observer-joined', { ...this.#fields(), observer, observerIp, observers });
  }

  /** An observer stopped watching; `observers` counts those left. */
  observerLeft(observer: string, observerIp: string, observers: number): void {
    if (this.#ended) return;
    this.audit.write('observer-left', { ...this.#fields(), observer, observerIp, observers });
  }

  /** The session ended: the recording is closed (within its bound), then the `ended` record written. */
  async ended(ending: JournalEnding): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    const endedAt = new Date();
    let result: CastResult | undefined;
    if (this.cast) {
      this.cast.marker(`ended ${ending.outcome}`);
      result = await this.cast.close();
    }
    const fields: AuditFields = {
      ...this.#fields(),
      endedAt: endedAt.toISOString(),
      durationMs: endedAt.getTime() - this.subject.startedAt.getTime(),
      bytesFromHost: ending.bytesFromHost,
      bytesToHost: ending.bytesToHost,
      outcome: ending.outcome,
      ...(ending.closeCode !== undefined && { closeCode: ending.closeCode }),
      ...(this.#logoutResult !== undefined && { logoutResult: this.#logoutResult }),
      ...(result && {
        recordingComplete: result.complete,
        ...(result.incompleteReason && { recordingIncomplete: result.incompleteReason }),
      }),
    };
    if (result && this.store) {
      const { sessionId, user, clientIp, target } = this.subject;
      await this.store.finish({
        id: sessionId,
        target,
        user,
        clientIp,
        startedAt: fields.startedAt,
        endedAt: fields.endedAt!,
        durationMs: fields.durationMs!,
        bytesFromHost: ending.bytesFromHost,
        bytesToHost: ending.bytesToHost,
        closeReason: ending.outcome,
        castBytes: result.bytesWritten,
        complete: result.complete,
        ...(result.incompleteReason && { incompleteReason: result.incompleteReason }),
      });
    }
    this.audit.write('ended', fields);
  }
}
