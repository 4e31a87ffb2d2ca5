import { type DestinationStream, type Logger, pino } from 'pino';
import type { AuditConfig } from '../config/types.js';

/** The session events the audit log has one record each for. */
export type AuditEvent = 'opened' | 'detached' | 'resumed' | 'ended' | 'observer-joined' | 'observer-left';

/**
 * One audit record's fields (docs/gateway.md, "Recording and audit", lists them). Never typed input,
 * passwords or tokens: only who, from where, to what, when, how much, and how it ended.
 */
export interface AuditFields {
  readonly sessionId: string;
  /** The token's `sub`, or `anonymous` when auth is off. */
  readonly user: string;
  /** The client's address after the trusted-proxy rules. */
  readonly clientIp: string;
  readonly target: string;
  /** The address and port dialled. */
  readonly host: string;
  readonly port: number;
  /** ISO 8601 time the session started. */
  readonly startedAt: string;
  readonly endedAt?: string;
  readonly durationMs?: number;
  readonly bytesFromHost?: number;
  readonly bytesToHost?: number;
  /** How the session ended: `client_closed`, `shutdown`, `detach_expired`, or a GW_ERR_… code. */
  readonly outcome?: string;
  readonly closeCode?: number;
  /** The answer to the last Logout the user asked for: `accepted`, `refused` or `timed-out`. */
  readonly logoutResult?: string;
  /** The recording's file name in the recording directory, when the session is recorded. */
  readonly recording?: string;
  /** Whether every byte of the recording reached the disk (ended records of recorded sessions). */
  readonly recordingComplete?: boolean;
  /** Why the recording is incomplete: `write_failed`, `queue_full` or `close_timeout`. */
  readonly recordingIncomplete?: string;
  /** Why the browser went away (detached) or how long it was away (resumed). */
  readonly reason?: string;
  readonly awayMs?: number;
  /** The observer's token `sub` (observer-joined, observer-left). */
  readonly observer?: string;
  /** The observer's address after the trusted-proxy rules (observer-joined, observer-left). */
  readonly observerIp?: string;
  /** Observers watching after the event (observer-joined, observer-left). */
  readonly observers?: number;
}

export interface AuditLog {
  write(event: AuditEvent, fields: AuditFields): void;
  /** Writes out what is buffered and closes the file. */
  close(): Promise<void>;
}

/** An audit log that writes nothing (no file and no stdout configured). */
export const NO_AUDIT: AuditLog = { write: () => {}, close: async () => {} };

/**
 * The audit log: JSON lines through pino, to a file (created with its directory, appended to) and/or
 * standard output. Each line: `time` (ISO 8601), `event`, then the fields of `AuditFields`.
 */
export function createAuditLog(config: AuditConfig, extra?: DestinationStream): AuditLog {
  const streams: { stream: DestinationStream }[] = [];
  const files: ReturnType<typeof pino.destination>[] = [];
  if (config.file !== undefined) {
    const file = pino.destination({ dest: config.file, append: true, mkdir: true, sync: false });
    files.push(file);
    streams.push({ stream: file });
  }
  if (config.stdout) streams.push({ stream: pino.destination({ dest: 1, sync: false }) });
  if (extra) streams.push({ stream: extra });
  if (streams.length === 0) return NO_AUDIT;
  const logger: Logger = pino(
    {
      level: 'info',
      base: undefined,
      // Every record is at one level, so the line starts with the time instead of a level number.
      timestamp: false,
      formatters: { level: () => ({ time: new Date().toISOString() }) },
    },
    pino.multistream(streams),
  );
  return {
    write: (event, fields) => logger.info({ event, ...fields }),
    close: async () => {
      for (const file of files) {
        await new Promise<void>((resolve) => {
          file.flush(() => {
            file.end();
            resolve();
          });
        });
      }
    },
  };
}
