// The tagged-JSON form of expected values written by fixtures/generate.py.
import type { DType, NDArray, TypedArray } from "../src/index.js";
import { asNDArray, ndarray } from "../src/index.js";

type Tagged = null | boolean | number | string | Tagged[] | { [key: string]: Tagged };

const classes: Record<DType, new (values: never[]) => TypedArray> = {
  bool: Uint8Array,
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  uint64: BigUint64Array,
  int64: BigInt64Array,
  float32: Float32Array,
  float64: Float64Array,
};

function isTag(value: Tagged, key: string): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value) && key in value;
}

/** The JavaScript value a tagged expectation stands for (NDArrays as `ndarray()` values). */
export function materialize(value: Tagged): unknown {
  if (Array.isArray(value)) return value.map(materialize);
  if (typeof value !== "object" || value === null) return value;
  const tagged = value as Record<string, Tagged>;
  if (isTag(value, "$bigint")) return BigInt(tagged.$bigint as string);
  if (isTag(value, "$float")) return Number(tagged.$float);
  if (isTag(value, "$date")) return new Date(tagged.$date as number);
  if (isTag(value, "$repeat")) {
    const [item, count] = tagged.$repeat as [Tagged, number];
    const element = materialize(item);
    return typeof element === "string"
      ? element.repeat(count)
      : Array<unknown>(count).fill(element);
  }
  if (isTag(value, "$bytes")) {
    const unit = Buffer.from(tagged.$bytes as string, "hex");
    return new Uint8Array(
      Buffer.concat(Array<Buffer>((tagged.$times as number | undefined) ?? 1).fill(unit)),
    );
  }
  if (isTag(value, "$ndarray")) {
    const { dtype, shape, values } = tagged.$ndarray as {
      dtype: DType;
      shape: number[];
      values: Tagged[];
    };
    const items = values.map((v) =>
      typeof v === "string" ? BigInt(v) : materialize(v),
    ) as never[];
    return ndarray(new classes[dtype](items), shape, dtype);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, materialize(v)]));
}

/** `decoded` with `asNDArray` applied wherever the expectation has an NDArray. */
export function normalize(decoded: unknown, expect: Tagged): unknown {
  const record = expect as Record<string, Tagged>;
  if (isTag(expect, "$ndarray")) return plain(asNDArray(decoded));
  if (Array.isArray(expect) && Array.isArray(decoded)) {
    return decoded.map((item, i) => normalize(item, expect[i] ?? null));
  }
  if (
    typeof expect === "object" &&
    expect !== null &&
    !Array.isArray(expect) &&
    !Object.keys(expect)[0]?.startsWith("$")
  ) {
    if (typeof decoded === "object" && decoded !== null) {
      return Object.fromEntries(
        Object.entries(decoded).map(([k, v]) => [k, normalize(v, record[k] ?? null)]),
      );
    }
  }
  return decoded;
}

/** An NDArray as a plain record, so equality compares contents rather than views. */
export function plain(array: NDArray): { dtype: DType; shape: number[]; data: TypedArray } {
  return { dtype: array.dtype, shape: [...array.shape], data: array.data.slice() };
}

/** `materialize` with NDArrays as plain records, to compare with `normalize`. */
export function expected(value: Tagged): unknown {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Date || ArrayBuffer.isView(v) || typeof v !== "object" || v === null) return v;
    if ("dtype" in v && "shape" in v && "data" in v) return plain(v as NDArray);
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
  };
  return walk(materialize(value));
}

export type { Tagged };
