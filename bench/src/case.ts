/** One measured figure, printed in the table and written to the JSON results. */
export interface BenchRow {
  /** Which case this belongs to, e.g. "small messages". */
  readonly case: string;
  /** What was measured, e.g. "sunflare bus" or "raw zeromq.js". */
  readonly subject: string;
  /** The figure, e.g. 412_000. */
  readonly value: number;
  /** Its unit, e.g. "msg/s", "MB/s", "µs". */
  readonly unit: string;
  /** For rows compared against a baseline: the baseline's subject and our ratio to it. */
  readonly ratio?: { readonly to: string; readonly value: number };
  /** The target for the ratio, e.g. ">= 1.0x", and whether this run met it. */
  readonly target?: { readonly text: string; readonly met: boolean };
  /** A short qualifier printed beside the figure, e.g. "0 lost" or "p99". */
  readonly detail?: string;
}

/** What the runner hands to every case. */
export interface BenchContext {
  /** `--quick`: a smoke run, each case a fraction of a second. */
  readonly quick: boolean;
  /** Progress lines (stderr), not part of the results table. */
  readonly log: (line: string) => void;
  /**
   * A remark that belongs with the results (a skipped baseline, lost messages):
   * printed under the table and kept in the JSON and RESULTS.md.
   */
  readonly note: (line: string) => void;
}

/** A benchmark case: measures itself and its baselines in the same run. */
export interface BenchCase {
  readonly name: string;
  run(context: BenchContext): Promise<BenchRow[]>;
}
