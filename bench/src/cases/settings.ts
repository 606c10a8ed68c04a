/** Counts of a throughput case. */
export interface ThroughputSettings {
  readonly count: number;
  readonly warmup: number;
  readonly rounds: number;
}

/** Counts per case for one kind of run. */
export interface Settings {
  readonly small: ThroughputSettings;
  readonly frames: ThroughputSettings;
  readonly latency: { readonly count: number; readonly warmup: number; readonly rate: number };
  readonly fanout: {
    readonly count: number;
    readonly warmup: number;
    readonly rounds: number;
    readonly subscribers: readonly number[];
  };
  readonly signals: { readonly emits: number; readonly rounds: number };
  readonly remoteSignals: {
    readonly count: number;
    readonly rounds: number;
    readonly latency: { readonly count: number; readonly rate: number };
  };
  readonly memory: { readonly peers: number; readonly messages: number; readonly warmup: number };
  readonly web: { readonly frames: number; readonly seconds: number };
}

/** A full run: each case takes seconds. */
const full: Settings = {
  small: { count: 200_000, warmup: 20_000, rounds: 3 },
  frames: { count: 2_000, warmup: 200, rounds: 3 },
  latency: { count: 5_000, warmup: 500, rate: 1_000 },
  fanout: { count: 30_000, warmup: 3_000, rounds: 3, subscribers: [1, 4, 16] },
  signals: { emits: 10_000_000, rounds: 5 },
  remoteSignals: { count: 200_000, rounds: 3, latency: { count: 3_000, rate: 1_000 } },
  // A fast stream grows V8's young generation to its full size within its
  // first few hundred thousand messages: the warm-up covers that one-time
  // growth, so that the measured window shows what the stream keeps.
  memory: { peers: 64, messages: 1_000_000, warmup: 500_000 },
  web: { frames: 30, seconds: 5 },
};

/** `--quick`: a smoke run, each case a fraction of a second. */
const quick: Settings = {
  small: { count: 10_000, warmup: 1_000, rounds: 1 },
  frames: { count: 100, warmup: 20, rounds: 1 },
  latency: { count: 500, warmup: 100, rate: 1_000 },
  fanout: { count: 2_000, warmup: 200, rounds: 1, subscribers: [1, 4, 16] },
  signals: { emits: 200_000, rounds: 2 },
  remoteSignals: { count: 20_000, rounds: 1, latency: { count: 300, rate: 1_000 } },
  memory: { peers: 64, messages: 50_000, warmup: 10_000 },
  web: { frames: 30, seconds: 1 },
};

/** The settings of case `name` for this run. */
export function settingsOf<K extends keyof Settings>(name: K, isQuick: boolean): Settings[K] {
  return (isQuick ? quick : full)[name];
}
