import type { NDArray } from "../src/index.js";
import { asNDArray, ndarray } from "../src/index.js";

const frame: NDArray<Uint16Array> = ndarray(new Uint16Array(4), [2, 2]);
const pixel: number = frame.data[0]!;
const wide: bigint = ndarray(new BigInt64Array(1)).data[0]!;
const any: NDArray = asNDArray([new Uint8Array(1), "uint8", [1]]);

// @ts-expect-error plain arrays are not typed arrays
ndarray([1, 2, 3]);
// @ts-expect-error not a dtype
ndarray(new Float32Array(1), [1], "float16");
// @ts-expect-error the data class is fixed by the type parameter
const wrong: NDArray<Float32Array> = ndarray(new Uint16Array(1));
// @ts-expect-error NDArray fields are read-only
frame.dtype = "int16";

export { pixel, wide, any, wrong };
