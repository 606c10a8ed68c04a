/**
 * Decoding without a trace on the caller's bytes.
 *
 * msgpackr's `unpack(source)` caches a `DataView` on the object it reads, as
 * an own property `source.dataView`, and reuses one it finds there. Handed the
 * caller's buffer, it would leave that property behind (so the buffer no
 * longer deep-equals its twin) and trust a stale one a caller had set. So
 * msgpackr never sees the caller's object: it reads either a copy in a scratch
 * buffer whose `DataView` is made once, or a fresh view over the caller's
 * memory that it may decorate.
 * @internal
 */
import type { Unpackr } from "msgpackr";

/** Inputs up to this size without binary values are decoded from a copy. */
const SCRATCH_BYTES = 1024;

/**
 * Decoding is synchronous and runs no user code (no extension but the
 * timestamp is accepted), so one scratch buffer serves every call. Its
 * `DataView` is set up front: making one costs more than copying a small
 * message, and a fresh input needs one on every decode.
 */
const scratch: Buffer & { dataView?: DataView } = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
scratch.dataView = new DataView(scratch.buffer, scratch.byteOffset, SCRATCH_BYTES);

/**
 * `unpackr.unpack(data)`, leaving `data` exactly as it was.
 *
 * @param binary - whether the value holds binary data (see `validate`): those
 *   decode to views over the input, so that input is `data`'s own memory,
 *   through a new view (a Buffer for a Buffer, as before); a copy would do
 *   for everything else (strings, numbers and dates are built, not viewed).
 * @internal
 */
export function unpackUntouched(unpackr: Unpackr, data: Uint8Array, binary: boolean): unknown {
  if (!binary && data.byteLength <= SCRATCH_BYTES) {
    scratch.set(data);
    return unpackr.unpack(scratch, data.byteLength);
  }
  return unpackr.unpack(data.subarray(0));
}
