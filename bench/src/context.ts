/** What every benchmark is given besides its settings. */
import type { BenchSettings } from './settings.js';

export interface BenchContext {
  readonly settings: BenchSettings;
  /** Scratch directory (configuration files, logs) for this run; removed afterwards. */
  readonly workDir: string;
  /** When set, the gateway writes a V8 CPU profile per benchmark here. */
  readonly profileDir?: string;
  /** Progress lines (stderr), so the table on stdout stays clean. */
  readonly progress: (line: string) => void;
}
