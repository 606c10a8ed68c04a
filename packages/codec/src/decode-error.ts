import { SunflareError } from "@sunflare/wire";

/**
 * Thrown when bytes are not one complete, well-formed MessagePack value that this
 * codec supports, or when {@link asNDArray} is handed something that is not the
 * n-dimensional array wire form. The message says what was wrong and, for
 * malformed bytes, at which offset.
 *
 * @example
 * ```ts
 * try {
 *   decode(new Uint8Array([0x92, 0x01]));
 * } catch (error) {
 *   if (error instanceof DecodeError) console.log(error.message);
 *   // truncated input: array at offset 0 needs 1 more element but the input ends at offset 2
 * }
 * ```
 */
export class DecodeError extends SunflareError {
  /** @param message what was wrong, and where */
  constructor(message: string, options?: ErrorOptions) {
    super("decode", message, options);
  }

  /** `"DecodeError"`. */
  override name = "DecodeError";
}

/**
 * Thrown by `encode` for a value MessagePack has no form for: a symbol, a
 * function, a bigint wider than 64 bits, an invalid `Date`, or a value nested
 * too deeply (including cyclic references).
 */
export class EncodeError extends SunflareError {
  /** @param message which value has no MessagePack form */
  constructor(message: string, options?: ErrorOptions) {
    super("encode", message, options);
  }

  /** `"EncodeError"`. */
  override name = "EncodeError";
}
