import type { NDArray } from "../src/index.js";
import { allocNDArray } from "../src/index.js";

const frame: NDArray<Uint16Array> = allocNDArray("uint16", [512, 512]);
const mask: Uint8Array = allocNDArray("bool", [4]).data;
const wide: bigint = allocNDArray("int64", [1]).data[0]!;

// @ts-expect-error not a dtype
allocNDArray("float16", [1]);
// @ts-expect-error the dtype fixes the array class
const wrong: NDArray<Float32Array> = allocNDArray("uint16", [1]);
// @ts-expect-error room sizes are numbers
allocNDArray("uint8", [1], { headroom: "4k" });

export { frame, mask, wide, wrong };
