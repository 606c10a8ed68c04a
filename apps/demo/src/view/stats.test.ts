import { percentile, StreamStats } from "./stats.js";

describe("StreamStats", () => {
  it("counts no loss for a complete sequence", () => {
    const stats = new StreamStats();
    for (let seq = 0; seq < 10; seq++) stats.record(seq, 1000, seq * 100, seq * 100 + 2);
    expect(stats.summary(10)).toMatchObject({ received: 10, lost: 0 });
  });

  it("counts gaps, and frames missing after the last one received", () => {
    const stats = new StreamStats();
    for (const seq of [0, 1, 4, 5, 9]) stats.record(seq, 1000, 0, 1);
    expect(stats.lost()).toBe(5); // 2, 3, 6, 7, 8
    expect(stats.summary(12).lost).toBe(7); // and 10, 11
  });

  it("counts frames lost before the first one received", () => {
    const stats = new StreamStats();
    stats.record(3, 1000, 0, 1);
    expect(stats.lost()).toBe(3);
  });

  it("does not count a late frame as new", () => {
    const stats = new StreamStats();
    for (const seq of [0, 2, 1]) stats.record(seq, 1000, 0, 1);
    expect(stats.outOfOrder).toBe(1);
    expect(stats.received).toBe(3);
  });

  it("measures rate and throughput between the first and last receipt", () => {
    const stats = new StreamStats();
    // 31 frames of 1 MB, 1/30 s apart: 30 intervals in one second.
    for (let seq = 0; seq <= 30; seq++)
      stats.record(seq, 1e6, (seq * 1000) / 30, (seq * 1000) / 30 + 5);
    const summary = stats.summary(31);
    expect(summary.fps).toBeCloseTo(30, 6);
    expect(summary.mbps).toBeCloseTo(30, 6);
  });

  it("measures latency percentiles from publish to receipt", () => {
    const stats = new StreamStats();
    // Latencies 1..100 ms, in shuffled order.
    for (let seq = 0; seq < 100; seq++) {
      const latency = ((seq * 37) % 100) + 1;
      stats.record(seq, 1000, seq * 10, seq * 10 + latency);
    }
    expect(stats.summary().p50).toBe(50);
    expect(stats.summary().p99).toBe(99);
  });

  it("gives live figures over the last second only", () => {
    const stats = new StreamStats();
    for (let seq = 0; seq < 50; seq++) stats.record(seq, 2e6, seq * 100, seq * 100);
    // Frames received at 4000..4900 ms are within a second of 4900 ms.
    const live = stats.live(4900);
    expect(live.fps).toBe(11);
    expect(live.mbps).toBe(22);
  });
});

describe("percentile", () => {
  it("uses the nearest rank", () => {
    const values = [5, 1, 4, 2, 3];
    expect(percentile(values, 50)).toBe(3);
    expect(percentile(values, 100)).toBe(5);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([], 50)).toBeNaN();
  });
});
