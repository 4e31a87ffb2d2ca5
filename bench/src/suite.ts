/** Runs the chosen benchmarks one after another and gathers their rows, checks and notes. */
import type { BenchContext } from './context.js';
import type { IntegrityCheck, ResultRow, ScenarioResult } from './report.js';
import { runBrowser } from './scenarios/browser.js';
import { runFlood } from './scenarios/flood.js';
import { runLatency } from './scenarios/latency.js';
import { runScale } from './scenarios/scale.js';
import { runScaleOut } from './scenarios/scale-out.js';
import { runTelnetCore } from './scenarios/telnet-core.js';
import { runThroughput } from './scenarios/throughput.js';
import type { ScenarioName } from './settings.js';

const SCENARIO_RUNNERS: Record<ScenarioName, (context: BenchContext) => Promise<ScenarioResult>> = {
  throughput: runThroughput,
  latency: runLatency,
  scale: runScale,
  flood: runFlood,
  'telnet-core': runTelnetCore,
  browser: runBrowser,
  'scale-out': runScaleOut,
};

export interface SuiteResult {
  readonly rows: ResultRow[];
  readonly checks: IntegrityCheck[];
  readonly notes: string[];
  /** Benchmarks that could not finish, with why. */
  readonly errors: Array<{ readonly scenario: ScenarioName; readonly message: string }>;
  /** Seconds each benchmark took. */
  readonly durations: Partial<Record<ScenarioName, number>>;
}

export async function runSuite(context: BenchContext): Promise<SuiteResult> {
  const suite: SuiteResult = { rows: [], checks: [], notes: [], errors: [], durations: {} };
  for (const scenario of context.settings.scenarios) {
    const started = Date.now();
    context.progress(`${scenario}: starting`);
    try {
      const result = await SCENARIO_RUNNERS[scenario](context);
      suite.rows.push(...result.rows);
      suite.checks.push(...result.checks);
      suite.notes.push(...result.notes);
    } catch (error) {
      // One benchmark failing must not cost the others' figures.
      const message = error instanceof Error ? error.message : String(error);
      suite.errors.push({ scenario, message });
      suite.rows.push({
        benchmark: scenario,
        measured: 'FAILED (see below)',
        value: '—',
        baseline: '—',
        ratio: '—',
      });
    }
    suite.durations[scenario] = (Date.now() - started) / 1000;
    context.progress(`${scenario}: done in ${suite.durations[scenario]!.toFixed(1)} s`);
  }
  return suite;
}
