/** Live figures of a frame stream, as the viewer shows them. */
export interface StreamFigures {
  /** Frames received. */
  received: number;
  /** Frames missing from the sequence numbers received so far. */
  lost: number;
  /**
   * Frames per second of the stream: frames received over the time between
   * their publish timestamps, leaving out the pauses marked with
   * {@link StreamStats.pause} (a stage move between tiles). Publish times,
   * not receipt times: a receiver that falls behind and catches up in a burst
   * shows it in the latency, not as a burst of speed. Live: over the last
   * frames; summary: over the whole stream.
   */
  fps: number;
  /** Megabytes (10^6 bytes) of frame data per second: `fps` times the mean frame size. */
  mbps: number;
  /** Median latency from publish to receipt, in milliseconds. */
  p50: number;
  /** 99th percentile of that latency, in milliseconds. */
  p99: number;
}

/** How many recent frames the live figures look at. @internal */
const WINDOW = 256;

/**
 * Counts a stream of sequenced frames: rate, throughput, publish-to-receipt
 * latency, and losses from gaps in the sequence numbers.
 *
 * @example
 * ```ts
 * const stats = new StreamStats();
 * stats.record(0, 524288, sentAt, Date.now());
 * stats.live().fps;
 * ```
 */
export class StreamStats {
  received = 0;
  /** Frames that arrived with a sequence number below one already seen. */
  outOfOrder = 0;
  private gaps = 0;
  private nextSeq = 0;
  private bytes = 0;
  private last = NaN;
  private readonly intervals: number[] = [];
  private readonly latencies: number[] = [];

  /** Records frame `seq` (0-based) of `bytes` bytes, published at `sentAt`, received at `now` (ms). */
  record(seq: number, bytes: number, sentAt: number, now: number): void {
    if (seq >= this.nextSeq) {
      this.gaps += seq - this.nextSeq;
      this.nextSeq = seq + 1;
    } else {
      this.outOfOrder++;
    }
    if (!Number.isNaN(this.last)) this.intervals.push(sentAt - this.last);
    this.received++;
    this.bytes += bytes;
    this.latencies.push(now - sentAt);
    this.last = sentAt;
  }

  /** The stream pauses (the camera stopped): the time until the next frame is not streaming time. */
  pause(): void {
    this.last = NaN;
  }

  /** Frames lost so far; with `sent`, also counts frames missing after the last one received. */
  lost(sent?: number): number {
    return this.gaps + Math.max(0, (sent ?? 0) - this.nextSeq);
  }

  /** Figures over the last {@link WINDOW} frames. */
  live(): StreamFigures {
    return this.figures(this.intervals.slice(-WINDOW), this.latencies.slice(-WINDOW), this.lost());
  }

  /** Figures over the whole stream; `sent` (from the publisher) counts trailing losses. */
  summary(sent?: number): StreamFigures {
    return this.figures(this.intervals, this.latencies, this.lost(sent));
  }

  private figures(intervals: number[], latencies: number[], lost: number): StreamFigures {
    const time = intervals.reduce((sum, interval) => sum + interval, 0);
    const fps = time > 0 ? (1000 * intervals.length) / time : 0;
    const frameBytes = this.received > 0 ? this.bytes / this.received : 0;
    return {
      received: this.received,
      lost,
      fps,
      mbps: (fps * frameBytes) / 1e6,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
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
