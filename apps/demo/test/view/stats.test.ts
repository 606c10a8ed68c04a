import { percentile, StreamStats } from "../../src/view/stats.js";

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

  it("measures the frame rate while streaming, leaving out pauses", () => {
    const stats = new StreamStats();
    // Two bursts of 1 MB frames at 30 fps, with a 2 s pause between them.
    for (let seq = 0; seq < 40; seq++) {
      if (seq === 20) stats.pause();
      const at = (seq * 1000) / 30 + (seq >= 20 ? 2000 : 0);
      stats.record(seq, 1e6, at, at + 5);
    }
    const summary = stats.summary(40);
    expect(summary.fps).toBeCloseTo(30, 6);
    expect(summary.mbps).toBeCloseTo(30, 6);
  });

  it("takes the rate from publish times, when frames arrive in bunches", () => {
    const stats = new StreamStats();
    // Published at 100 fps, received ten at a time every 100 ms.
    for (let seq = 0; seq < 101; seq++)
      stats.record(seq, 1000, seq * 10, Math.floor(seq / 10) * 100 + 100);
    expect(stats.summary().fps).toBeCloseTo(100, 6);
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

  it("gives live figures over the most recent frames", () => {
    const stats = new StreamStats();
    // 300 frames at 10 fps, then 300 at 50 fps: the live window sees only the latter.
    let at = 0;
    for (let seq = 0; seq < 600; seq++) {
      at += seq < 300 ? 100 : 20;
      stats.record(seq, 2e6, at - 1, at);
    }
    expect(stats.live().fps).toBeCloseTo(50, 6);
    expect(stats.live().mbps).toBeCloseTo(100, 6);
    expect(stats.summary().fps).toBeCloseTo(599 / (299 * 0.1 + 300 * 0.02), 6); // 599 intervals
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
