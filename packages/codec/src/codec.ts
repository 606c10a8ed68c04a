import { randomBytes } from "node:crypto";
import type { Options } from "msgpackr";
import { Packr, Unpackr, addExtension } from "msgpackr";
import { DecodeError, EncodeError } from "./decode-error.js";
import type { HeldBody, Marker } from "./assemble.js";
import { assemble, concat } from "./assemble.js";
import { encodeInFrame } from "./framed.js";
import { canonicalizeIntegers } from "./integers.js";
import type { NDArray } from "./ndarray.js";
import { NDArrayValue, wireBytes } from "./ndarray.js";
import { unpackUntouched } from "./unpack-input.js";
import { validate } from "./validate.js";

/** Options of a {@link Codec}. */
export interface CodecOptions {
  /**
   * Largest input, in bytes, `decode` accepts; larger input throws
   * {@link DecodeError} before any parsing. Default: no limit (every declared
   * length is still checked against the actual input).
   */
  maxInputBytes?: number;
  /**
   * Deepest nesting of arrays and maps `decode` accepts, checked before any
   * object is built. Default 256.
   */
  maxDepth?: number;
  /**
   * Object properties whose value is `undefined`: written as nil (`"nil"`, the
   * default and the fastest), or left out like `JSON.stringify` does (`"omit"`).
   * `undefined` in arrays and at the top level is always nil.
   */
  undefinedProperties?: "nil" | "omit";
  /**
   * Functions inside an encoded value: an {@link EncodeError} (`"error"`, the
   * default), or nil (`"nil"`, as for `undefined`).
   */
  functions?: "error" | "nil";
  /**
   * Whether NDArray bodies of 64 KiB or more are placed at an offset of the
   * message that is a multiple of their element size, so that
   * {@link asNDArray} on the receiving side can view them without a copy
   * (default `true`). The padding is made by writing one or two headers in
   * front of the body in a longer form, which every MessagePack reader
   * accepts. `false` writes the shortest form everywhere, byte for byte what
   * Python's msgpack writes.
   */
  alignArrays?: boolean;
}

/** Body size from which `encodeChunks` hands an NDArray's memory out as its own chunk. */
const CHUNK_THRESHOLD = 4096;

/** Body size from which NDArrays are aligned; smaller ones cost little to copy. */
const ALIGN_THRESHOLD = 65536;

/**
 * Set only while an encoder call runs (encoding is synchronous): NDArray bodies
 * of `threshold` bytes or more are written as a 16-byte marker and held here,
 * to be spliced back without a second copy of their memory.
 */
let holding: { threshold: number; align: boolean; bodies: HeldBody[] } | undefined;

/** A per-process random prefix, so a marker never equals user data by accident. */
const markerPrefix = randomBytes(12);

// msgpackr picks extensions by class, for every Packr: only values made by
// ndarray()/asNDArray() are affected. `write` without an extension type puts
// the returned value on the wire as is: the standard 3-element array, whose
// bin element msgpackr copies straight from the typed array's memory.
addExtension({
  Class: NDArrayValue,
  write(array: NDArray): unknown {
    const bytes = wireBytes(array);
    if (holding !== undefined && bytes.byteLength >= holding.threshold) {
      const marker = new Uint8Array(16);
      marker.set(markerPrefix);
      new DataView(marker.buffer).setUint32(12, holding.bodies.length);
      holding.bodies.push({
        bytes,
        itemSize: array.data.BYTES_PER_ELEMENT,
        align: holding.align && bytes.byteLength >= ALIGN_THRESHOLD,
      });
      return [marker, array.dtype, array.shape];
    }
    return [bytes, array.dtype, array.shape];
  },
});

/**
 * A MessagePack encoder/decoder in standard MessagePack only (no msgpackr
 * records or extensions on the wire), wire-compatible with Python's
 * `msgpack`/`msgspec` and numpy arrays in the `[bytes, dtype, shape]` form.
 *
 * The module-level {@link encode} and {@link decode} use a default instance;
 * make your own to change {@link CodecOptions}.
 *
 * @example
 * ```ts
 * const codec = new Codec({ maxInputBytes: 64 * 1024 * 1024 });
 * const bytes = codec.encode({ seq: 1, frame: ndarray(pixels, [512, 512]) });
 * const { frame } = codec.decode<{ seq: number; frame: unknown }>(bytes);
 * asNDArray(frame).shape; // [512, 512]
 * ```
 */
export class Codec {
  readonly #packr: Packr;
  readonly #unpackr: Unpackr;
  readonly #maxInputBytes: number;
  readonly #maxDepth: number;
  readonly #align: boolean;

  constructor(options: CodecOptions = {}) {
    this.#maxInputBytes = options.maxInputBytes ?? Infinity;
    this.#maxDepth = options.maxDepth ?? 256;
    this.#align = options.alignArrays ?? true;
    const functions = options.functions ?? "error";
    const common = {
      useRecords: false,
      structuredClone: false,
      moreTypes: false,
      bundleStrings: false,
      mapsAsObjects: true,
      copyBuffers: false,
      // "auto" (missing from msgpackr's typings): 64-bit integers within ±2^53
      // decode as numbers, the others as bigint.
      int64AsType: "auto",
    } as unknown as Options;
    this.#unpackr = new Unpackr(common);
    this.#packr = new Packr({
      ...common,
      useFloat32: 0,
      useTimestamp32: false,
      variableMapSize: true,
      encodeUndefinedAsNil: true,
      largeBigIntToFloat: false,
      largeBigIntToString: false,
      useBigIntExtension: false,
      onInvalidDate: () => {
        throw new EncodeError("cannot encode an invalid Date");
      },
      writeFunction: () => {
        if (functions === "error") throw new EncodeError("cannot encode a function");
        return undefined;
      },
      ...(options.undefinedProperties === "omit" ? { skipValues: [undefined] } : {}),
    });
  }

  /**
   * Encodes `value` as one standard MessagePack value. NDArrays (from
   * {@link ndarray}) anywhere inside are written in the numpy wire form, their
   * memory copied once into the output, except for the one case below.
   *
   * When `value` holds exactly one NDArray of 64 KiB or more and it was made by
   * {@link allocNDArray}, the message is written around it in its own buffer
   * (when the bytes before and after it fit the room left there) and the result
   * is a view of that buffer: the elements are not copied. The bytes are the
   * same either way. With `alignArrays: false` arrays are always copied.
   *
   * @throws EncodeError for a value MessagePack cannot express.
   */
  encode(value: unknown): Uint8Array {
    if (!this.#align) {
      // Markers are only for calls that splice them back (a toJSON may encode inside one).
      const outer = holding;
      holding = undefined;
      let bytes: Uint8Array;
      try {
        bytes = this.#pack(value);
      } finally {
        holding = outer;
      }
      canonicalizeIntegers(bytes);
      return bytes;
    }
    const chunks = this.#encodeHolding(value, ALIGN_THRESHOLD);
    return chunks.length === 1 ? chunks[0]! : (encodeInFrame(chunks) ?? concat(chunks));
  }

  /**
   * Encodes `value` like {@link Codec.encode}, but returns the message as chunks
   * whose concatenation is exactly `encode(value)`, with the body of every
   * NDArray of 4 KiB or more being the array's own memory, not a copy. Hand the
   * chunks to a gathering write (`socket.write` per chunk, `fs.writev`, a
   * multipart send whose receiver joins the parts) so large arrays are never
   * copied on the sending side.
   *
   * The chunks alias the NDArrays: do not modify those arrays until the chunks
   * have been written. On a big-endian machine bodies are byte-swapped copies.
   *
   * @throws EncodeError for a value MessagePack cannot express.
   * @example
   * ```ts
   * const chunks = codec.encodeChunks({ seq, frame: ndarray(pixels, [512, 512]) });
   * // [header, pixels' own bytes, dtype and shape]; Buffer.concat(chunks) equals codec.encode(...)
   * ```
   */
  encodeChunks(value: unknown): Uint8Array[] {
    return this.#encodeHolding(value, CHUNK_THRESHOLD);
  }

  #pack(value: unknown): Uint8Array {
    try {
      return this.#packr.pack(value);
    } catch (error) {
      throw asEncodeError(error);
    }
  }

  /** Encodes with large NDArray bodies held out, then splices them back as chunks. */
  #encodeHolding(value: unknown, threshold: number): Uint8Array[] {
    const state = { threshold, align: this.#align, bodies: [] as HeldBody[] };
    const outer = holding;
    holding = state;
    let bytes: Uint8Array;
    try {
      bytes = this.#pack(value);
    } finally {
      holding = outer;
    }
    const markers: Marker[] = [];
    canonicalizeIntegers(
      bytes,
      state.bodies.length === 0
        ? undefined
        : (body, widenable) => {
            if (isMarker(bytes, body)) {
              const index = new DataView(bytes.buffer, bytes.byteOffset + body + 12, 4).getUint32(
                0,
              );
              markers.push({ body, widenable, index });
            }
          },
    );
    return markers.length === 0 ? [bytes] : assemble(bytes, markers, state.bodies);
  }

  /**
   * Decodes one complete MessagePack value. Maps become plain objects, binary
   * values views over `data` (no copy), 64-bit integers beyond ±2^53 bigints,
   * timestamps Dates. NDArrays arrive as `[bytes, dtype, shape]`: apply
   * {@link asNDArray} where one is expected. `data` is left exactly as it was
   * (no property is added to it, no byte changed).
   *
   * @throws DecodeError if `data` is malformed, truncated, has trailing bytes,
   *   uses an extension other than the timestamp, or breaks a
   *   {@link CodecOptions} limit; nothing is returned in that case.
   */
  decode<T = unknown>(data: Uint8Array): T {
    if (!(data instanceof Uint8Array)) {
      throw new DecodeError("expected a Uint8Array (or Buffer) to decode");
    }
    if (data.byteLength > this.#maxInputBytes) {
      throw new DecodeError(
        `input of ${data.byteLength} bytes exceeds maxInputBytes (${this.#maxInputBytes})`,
      );
    }
    const binary = validate(data, this.#maxDepth);
    try {
      return unpackUntouched(this.#unpackr, data, binary) as T;
    } catch (error) {
      // Unreachable for validated input; kept so nothing but DecodeError escapes.
      throw new DecodeError(`malformed input: ${(error as Error).message}`, { cause: error });
    }
  }
}

function isMarker(bytes: Uint8Array, body: number): boolean {
  for (let i = 0; i < 12; i++) if (bytes[body + i] !== markerPrefix[i]) return false;
  return true;
}

function asEncodeError(error: unknown): EncodeError {
  if (error instanceof EncodeError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof RangeError && /call stack/i.test(message)) {
    return new EncodeError("cannot encode: the value is nested too deeply or contains a cycle", {
      cause: error,
    });
  }
  return new EncodeError(`cannot encode: ${message}`, { cause: error });
}

const defaultCodec = new Codec();

/**
 * Encodes `value` as standard MessagePack with the default {@link Codec}.
 *
 * @example
 * ```ts
 * encode({ seq: 1, name: "cam" }); // <82 a3 73 65 71 01 a4 6e 61 6d 65 a3 63 61 6d>
 * ```
 */
export function encode(value: unknown): Uint8Array {
  return defaultCodec.encode(value);
}

/**
 * Decodes one MessagePack value with the default {@link Codec}.
 * `T` is what the caller expects; it is not checked.
 *
 * @throws DecodeError on malformed, truncated or unsupported input.
 */
export function decode<T = unknown>(data: Uint8Array): T {
  return defaultCodec.decode<T>(data);
}

/**
 * Encodes `value` as chunks with the default {@link Codec}; see
 * {@link Codec.encodeChunks}.
 */
export function encodeChunks(value: unknown): Uint8Array[] {
  return defaultCodec.encodeChunks(value);
}
