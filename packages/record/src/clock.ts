/**
 * Log times for a recording: wall-clock nanoseconds since the epoch that
 * never go backwards within one process (the monotonic clock, anchored to
 * the wall clock once).
 *
 * @internal
 */
const anchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();

/** Now, in nanoseconds since the epoch. @internal */
export function nowNanos(): bigint {
  return anchor + process.hrtime.bigint();
}
