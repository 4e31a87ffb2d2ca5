import { createReadStream } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordingInfo } from '@telgate/protocol';
import type { RecordingConfig } from '../config/types.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import { CastWriter, type IncompleteReason, type OpenSink } from './cast-writer.js';

export interface RecordingQuery {
  readonly target?: string;
  readonly user?: string;
  /** Started at or after (ISO 8601 or epoch ms). */
  readonly from?: number;
  /** Started before. */
  readonly to?: number;
  /** Case-insensitive text searched in the recorded output (escape sequences removed). */
  readonly text?: string;
  readonly limit?: number;
}

/** What a new recording is about. */
export interface RecordingStart {
  readonly sessionId: string;
  readonly target: string;
  readonly targetLabel: string;
  readonly user: string;
  readonly clientIp: string;
  readonly startedAt: Date;
  readonly term: string;
  readonly size: { readonly cols: number; readonly rows: number };
}

export interface RecordingStoreOptions {
  /** Replaces the files the recordings are written to (tests: a failing disk). */
  readonly openSink?: OpenSink;
  readonly closeTimeoutMs?: number;
  /** Called when retention deletes a recording or cannot. */
  readonly log?: (fields: Record<string, unknown>, message: string) => void;
}

const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** CSI, OSC and other escape sequences, removed before output is searched. */
const ESCAPES = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|[@-Z\\-_])/g;
/** A search reads at most this much of each recording. */
const MAX_SEARCH_BYTES_PER_FILE = 64 * 1024 * 1024;
const MAX_LIST = 500;

/** Whether `id` can name a recording (a session id): nothing else is ever read from the directory. */
export function isRecordingId(id: string): boolean {
  return SESSION_ID.test(id);
}

/** Whether sessions of `targetId` are recorded under `config`. */
export function isRecorded(config: RecordingConfig, targetId: string): boolean {
  return config.targets.includes('*') || config.targets.includes(targetId);
}

/**
 * The recording directory: new recordings, their metadata, retention by age and total size, and the
 * listing, search and reading the recordings page does. Files are `<session id>.cast` (asciicast v2)
 * and `<session id>.json` (written when the session ends).
 */
export class RecordingStore {
  readonly directory: string;
  readonly #live = new Set<string>();
  #retention: NodeJS.Timeout | undefined;
  #ready: Promise<void> | undefined;

  constructor(
    readonly config: RecordingConfig,
    private readonly metrics: GatewayMetrics,
    private readonly options: RecordingStoreOptions = {},
  ) {
    this.directory = resolve(config.directory);
  }

  /** Creates the directory, applies retention, and again every hour. */
  async start(): Promise<void> {
    this.#ready ??= mkdir(this.directory, { recursive: true, mode: 0o750 }).then(() => undefined);
    await this.#ready;
    await this.applyRetention();
    this.#retention = setInterval(() => void this.applyRetention(), 3600_000);
    this.#retention.unref();
  }

  stop(): void {
    clearInterval(this.#retention);
  }

  /** Starts recording a session; the writer never throws (a failing disk makes it incomplete). */
  begin(start: RecordingStart): CastWriter {
    this.#live.add(start.sessionId);
    this.metrics.recordingsStarted.inc();
    return new CastWriter({
      path: this.castPath(start.sessionId),
      header: {
        timestamp: Math.floor(start.startedAt.getTime() / 1000),
        title: `${start.targetLabel} (${start.user})`,
        term: start.term,
      },
      size: start.size,
      maxQueueBytes: this.config.maxQueueBytes,
      closeTimeoutMs: this.options.closeTimeoutMs ?? 5_000,
      ...(this.options.openSink && { openSink: this.options.openSink }),
      onIncomplete: (reason: IncompleteReason) => this.metrics.recordingsIncomplete.inc({ reason }),
    });
  }

  /** Whether the session `id` is being recorded now. */
  isLive(id: string): boolean {
    return this.#live.has(id);
  }

  /** The session ended: its metadata is written beside the recording (best effort). */
  async finish(info: RecordingInfo): Promise<void> {
    this.#live.delete(info.id);
    try {
      await writeFile(this.metaPath(info.id), `${JSON.stringify(info)}\n`, { mode: 0o640 });
    } catch (error) {
      this.options.log?.(
        { err: error, recording: `${info.id}.cast` },
        'the metadata of a recording could not be written',
      );
    }
    await this.applyRetention();
  }

  castPath(id: string): string {
    return join(this.directory, `${id}.cast`);
  }

  metaPath(id: string): string {
    return join(this.directory, `${id}.json`);
  }

  /** Every recording, newest first (live ones included), with what the metadata says. */
  async all(): Promise<RecordingInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch {
      return [];
    }
    const ids = names
      .filter((name) => name.endsWith('.cast'))
      .map((name) => name.slice(0, -'.cast'.length))
      .filter(isRecordingId);
    const infos = await Promise.all(ids.map((id) => this.info(id)));
    return infos
      .filter((info): info is RecordingInfo => info !== undefined)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt));
  }

  /** One recording's information; undefined when there is no such recording. */
  async info(id: string): Promise<RecordingInfo | undefined> {
    if (!isRecordingId(id)) return undefined;
    let size: number;
    let mtime: Date;
    try {
      ({ size, mtime } = await stat(this.castPath(id)));
    } catch {
      return undefined;
    }
    try {
      const meta = JSON.parse(await readFile(this.metaPath(id), 'utf8')) as RecordingInfo;
      return { ...meta, id, castBytes: size };
    } catch {
      // No metadata: a session still running, or one the gateway could not finish writing.
      const header = await this.header(id);
      const live = this.#live.has(id);
      return {
        id,
        target: '',
        user: '',
        startedAt: new Date((header?.timestamp ?? mtime.getTime() / 1000) * 1000).toISOString(),
        castBytes: size,
        complete: false,
        ...(live ? { live: true } : { incompleteReason: 'no_metadata' }),
      };
    }
  }

  async #matches(info: RecordingInfo, query: RecordingQuery): Promise<boolean> {
    if (query.target !== undefined && info.target !== query.target) return false;
    if (query.user !== undefined && info.user !== query.user) return false;
    const started = Date.parse(info.startedAt);
    if (query.from !== undefined && started < query.from) return false;
    if (query.to !== undefined && started >= query.to) return false;
    if (query.text !== undefined && query.text !== '') return this.outputContains(info.id, query.text);
    return true;
  }

  /** Recordings matching `query`, newest first. */
  async search(query: RecordingQuery): Promise<RecordingInfo[]> {
    const limit = Math.min(query.limit ?? 100, MAX_LIST);
    const found: RecordingInfo[] = [];
    for (const info of await this.all()) {
      if (found.length >= limit) break;
      if (await this.#matches(info, query)) found.push(info);
    }
    return found;
  }

  /** Whether the recording's output, escape sequences removed, contains `text` (any case). */
  async outputContains(id: string, text: string): Promise<boolean> {
    const wanted = text.toLowerCase();
    const stream = createReadStream(this.castPath(id), { encoding: 'utf8', end: MAX_SEARCH_BYTES_PER_FILE });
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    // Output split across events is joined, the tail of the last kept for the next.
    let carry = '';
    try {
      for await (const line of lines) {
        if (!line.startsWith('[')) continue;
        let event: unknown;
        try {
          event = JSON.parse(line);
        } catch {
          continue;
        }
        if (!Array.isArray(event) || event[1] !== 'o' || typeof event[2] !== 'string') continue;
        const plain = (carry + event[2]).replace(ESCAPES, '').toLowerCase();
        if (plain.includes(wanted)) return true;
        carry = plain.slice(-wanted.length);
      }
    } catch {
      return false;
    } finally {
      lines.close();
      stream.destroy();
    }
    return false;
  }

  async header(id: string): Promise<{ timestamp?: number } | undefined> {
    const stream = createReadStream(this.castPath(id), { encoding: 'utf8', end: 64 * 1024 });
    const lines = createInterface({ input: stream });
    try {
      for await (const line of lines) return JSON.parse(line) as { timestamp?: number };
    } catch {
      return undefined;
    } finally {
      lines.close();
      stream.destroy();
    }
    return undefined;
  }

  /**
   * Deletes recordings older than `maxAgeDays`, then the oldest while all of them take more than
   * `maxTotalBytes`. Recordings still being written are kept.
   */
  async applyRetention(now = Date.now()): Promise<number> {
    const { maxAgeDays, maxTotalBytes } = this.config;
    const all = (await this.all()).filter((info) => !this.#live.has(info.id));
    let deleted = 0;
    const remove = async (info: RecordingInfo, why: string) => {
      try {
        await rm(this.castPath(info.id), { force: true });
        await rm(this.metaPath(info.id), { force: true });
        deleted++;
        this.metrics.recordingsDeleted.inc({ reason: why });
      } catch (error) {
        this.options.log?.({ err: error, recording: `${info.id}.cast` }, 'a recording could not be deleted');
      }
    };
    let kept = all;
    if (maxAgeDays > 0) {
      const oldest = now - maxAgeDays * 86_400_000;
      kept = [];
      for (const info of all) {
        if (Date.parse(info.startedAt) < oldest) await remove(info, 'age');
        else kept.push(info);
      }
    }
    if (maxTotalBytes > 0) {
      let total = kept.reduce((sum, info) => sum + info.castBytes, 0);
      // Newest first: delete from the end.
      for (let index = kept.length - 1; index >= 0 && total > maxTotalBytes; index--) {
        const info = kept[index]!;
        total -= info.castBytes;
        await remove(info, 'size');
      }
    }
    return deleted;
  }
}
