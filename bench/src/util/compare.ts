import type { BenchRow } from "../case.js";

/** A ratio target: `min` for higher-is-better figures, `max` for lower-is-better ones. */
export type Target = { readonly min: number } | { readonly max: number };

/**
 * The row for `subject` compared with `baseline`, measured in the same run:
 * the ratio is `value / baseline.value` and the target says which way is good.
 */
export function compared(
  row: Omit<BenchRow, "ratio" | "target">,
  baseline: Pick<BenchRow, "subject" | "value">,
  target?: Target,
): BenchRow {
  const ratio = row.value / baseline.value;
  const result: BenchRow = { ...row, ratio: { to: baseline.subject, value: ratio } };
  if (target === undefined) return result;
  const met = "min" in target ? ratio >= target.min : ratio <= target.max;
  const text = "min" in target ? `>= ${target.min.toFixed(1)}x` : `<= ${target.max.toFixed(1)}x`;
  return { ...result, target: { text, met } };
}
