/** Live figures of a frame stream, as the viewer shows them. */
export interface StreamFigures {
  /** Frames received. */
  received: number;
  /** Frames missing from the sequence numbers received so far. */
  lost: number;
  /** Frames per second over the last second (live) or the whole stream (summary). */
  fps: number;
  /** Megabytes (10^6 bytes) of frame data per second, same window as `fps`. */
  mbps: number;
  /** Median latency from publish to receipt, in milliseconds. */
  p50: number;
  /** 99th percentile of that latency, in milliseconds. */
  p99: number;
}

/** How many recent frames the live figures look at. */
const WINDOW = 256;

/**
 * Counts a stream of sequenced frames: rate, throughput, publish-to-receipt
 * latency, and losses from gaps in the sequence numbers.
 *
 * @example
 * ```ts
 * const stats = new StreamStats();
 * stats.record(0, 524288, sentAt, Date.now());
 * stats.live(Date.now()).fps;
 * ```
 */
export class StreamStats {
  received = 0;
  /** Frames that arrived with a sequence number below one already seen. */
  outOfOrder = 0;
  private gaps = 0;
  private nextSeq = 0;
  private bytes = 0;
  private first = NaN;
  private last = NaN;
  private readonly latencies: number[] = [];
  private readonly recentTimes = new Float64Array(WINDOW);
  private readonly recentBytes = new Float64Array(WINDOW);

  /** Records frame `seq` (0-based) of `bytes` bytes, published at `sentAt`, received at `now` (ms). */
  record(seq: number, bytes: number, sentAt: number, now: number): void {
    if (seq >= this.nextSeq) {
      this.gaps += seq - this.nextSeq;
      this.nextSeq = seq + 1;
    } else {
      this.outOfOrder++;
    }
    const slot = this.received % WINDOW;
    this.recentTimes[slot] = now;
    this.recentBytes[slot] = bytes;
    this.received++;
    this.bytes += bytes;
    this.latencies.push(now - sentAt);
    if (Number.isNaN(this.first)) this.first = now;
    this.last = now;
  }

  /** Frames lost so far; with `sent`, also counts frames missing after the last one received. */
  lost(sent?: number): number {
    return this.gaps + Math.max(0, (sent ?? 0) - this.nextSeq);
  }

  /** Figures over the last second (at most the last {@link WINDOW} frames). */
  live(now: number): StreamFigures {
    const n = Math.min(this.received, WINDOW);
    let frames = 0;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      if (now - this.recentTimes[i]! <= 1000) {
        frames++;
        bytes += this.recentBytes[i]!;
      }
    }
    const recent = this.latencies.slice(-WINDOW);
    return {
      received: this.received,
      lost: this.lost(),
      fps: frames,
      mbps: bytes / 1e6,
      p50: percentile(recent, 50),
      p99: percentile(recent, 99),
    };
  }

  /** Figures over the whole stream; `sent` (from the publisher) counts trailing losses. */
  summary(sent?: number): StreamFigures {
    // n frames span n - 1 intervals: the rate between the first and last receipt.
    const seconds = (this.last - this.first) / 1000;
    const rate = this.received > 1 && seconds > 0 ? (this.received - 1) / seconds : 0;
    return {
      received: this.received,
      lost: this.lost(sent),
      fps: rate,
      mbps: (rate * (this.received > 0 ? this.bytes / this.received : 0)) / 1e6,
      p50: percentile(this.latencies, 50),
      p99: percentile(this.latencies, 99),
    };
  }
}

/**
 * The nearest-rank `p`th percentile of `values` (NaN when empty).
 *
 * @internal
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
