import { asNDArray, isNDArray } from "@sunflare/virtual";
import type { NDArray } from "@sunflare/virtual";

/** How an NDArray is shown: never its data, only what it is. */
export interface ArraySummary {
  readonly ndarray: {
    readonly dtype: string;
    readonly shape: readonly number[];
    readonly min: number | null;
    readonly max: number | null;
  };
}

/**
 * `value` ready for `JSON.stringify`: NDArrays (and other typed arrays)
 * become {@link ArraySummary}s, bigints strings, byte arrays their length.
 */
export function printable(value: unknown): unknown {
  if (isNDArray(value)) return summarise(value);
  if (typeof value === "bigint") return value.toString();
  if (ArrayBuffer.isView(value)) {
    return { bytes: value.byteLength };
  }
  if (Array.isArray(value)) {
    const array = wireArray(value);
    return array === undefined ? value.map(printable) : summarise(array);
  }
  if (value instanceof Map)
    return Object.fromEntries([...value].map(([k, v]) => [String(k), printable(v)]));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printable(v)]));
  }
  return value;
}

/** One line of JSON for `value`, NDArrays summarised. */
export function toJson(value: unknown): string {
  return JSON.stringify(printable(value)) ?? "null";
}

/** An NDArray in its wire form `[bytes, dtype, shape]` (a data body decoded as plain MessagePack). */
function wireArray(value: unknown[]): NDArray | undefined {
  if (value.length !== 3 || !(value[0] instanceof Uint8Array) || typeof value[1] !== "string") {
    return undefined;
  }
  try {
    return asNDArray(value);
  } catch {
    return undefined;
  }
}

function summarise(array: NDArray): ArraySummary {
  let min = Infinity;
  let max = -Infinity;
  // Typed arrays are iterable; BigInt64Array yields bigints.
  for (const item of array.data as Iterable<number | bigint>) {
    const x = Number(item);
    if (x < min) min = x;
    if (x > max) max = x;
  }
  const empty = array.data.length === 0;
  return {
    ndarray: {
      dtype: array.dtype,
      shape: [...array.shape],
      min: empty ? null : min,
      max: empty ? null : max,
    },
  };
}
