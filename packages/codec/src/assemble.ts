/** An NDArray body held out of the encoded bytes, in place of a marker. @internal */
export interface HeldBody {
  readonly bytes: Uint8Array;
  readonly itemSize: number;
  /** Whether to pad so the body starts at a multiple of its element size (up to 8). */
  readonly align: boolean;
}

/** A marker bin found in the encoded bytes. @internal */
export interface Marker {
  /** Offset of the 16 marker bytes (after `c4 10`). */
  readonly body: number;
  /** Starts of up to three fix-format tokens before the NDArray's array header (-1: none), latest first. */
  readonly widenable: readonly number[];
  /** Which held body it stands for. */
  readonly index: number;
}

const arrayHeaders = [
  Uint8Array.of(0x93),
  Uint8Array.of(0xdc, 0, 3),
  Uint8Array.of(0xdd, 0, 0, 0, 3),
];

/**
 * Splices held bodies back in place of their markers and returns the message as
 * chunks: copies of the small stretches in between, and each body itself.
 *
 * Where a body asks for alignment, headers in front of it are written in a
 * longer form that every MessagePack reader accepts: the NDArray's own array
 * header (+0, +2 or +4 bytes) and up to three of the fixint, fixstr, fixarray
 * or fixmap tokens before it (+1, +2 or +4 each; +2 or +4 for containers).
 * MessagePack has no padding byte, and the bin header of a large body has only
 * one form, so this is the only way to move the body without changing the value.
 * @internal
 */
export function assemble(
  bytes: Uint8Array,
  markers: readonly Marker[],
  bodies: readonly HeldBody[],
): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let from = 0;
  let written = 0;
  for (const { body, widenable, index } of markers) {
    const held = bodies[index]!;
    const arrayAt = body - 3; // 0x93, then c4 10 and the 16 marker bytes
    const bin = binHeader(held.bytes.byteLength);
    let pieces: Uint8Array[] = [bytes.subarray(from, arrayAt), arrayHeaders[0]!];
    const alignment = Math.min(held.itemSize, 8);
    const base = written + (arrayAt - from) + 1 + bin.byteLength;
    if (held.align && base % alignment !== 0) {
      const need = alignment - (base % alignment);
      const tokens = widenable
        .filter((at) => at >= from)
        .map((at) => ({ at, options: widen(bytes, at) }));
      const choice = choose(need, alignment, tokens);
      if (choice !== undefined) {
        pieces = [];
        let copied = from;
        // Tokens come latest first; splice them in file order.
        for (const { at, widening } of [...choice.tokens].reverse()) {
          pieces.push(bytes.subarray(copied, at), widening.header);
          copied = at + widening.replaces;
        }
        pieces.push(bytes.subarray(copied, arrayAt), arrayHeaders[choice.arrayPad / 2]!);
      }
    }
    pieces.push(bin);
    const head = concat(pieces);
    chunks.push(head, held.bytes);
    written += head.byteLength + held.bytes.byteLength;
    from = body + 16;
  }
  if (from < bytes.byteLength) chunks.push(bytes.subarray(from));
  return chunks;
}

/** One bigger form of a token's header: `header` replaces its first `replaces` bytes. */
interface Widening {
  readonly header: Uint8Array;
  readonly replaces: number;
  readonly grows: number;
}

/** The longer forms of the token at `at`, if it is one that has them. */
function widen(bytes: Uint8Array, at: number): Widening[] {
  const token = bytes[at]!;
  if (token <= 0x7f) {
    return [
      { header: Uint8Array.of(0xcc, token), replaces: 1, grows: 1 },
      { header: Uint8Array.of(0xcd, 0, token), replaces: 1, grows: 2 },
      { header: Uint8Array.of(0xce, 0, 0, 0, token), replaces: 1, grows: 4 },
    ];
  }
  if (token >= 0xe0) {
    return [
      { header: Uint8Array.of(0xd0, token), replaces: 1, grows: 1 },
      { header: Uint8Array.of(0xd1, 0xff, token), replaces: 1, grows: 2 },
      { header: Uint8Array.of(0xd2, 0xff, 0xff, 0xff, token), replaces: 1, grows: 4 },
    ];
  }
  if (token >= 0xa0 && token <= 0xbf) {
    const length = token & 0x1f;
    return [
      { header: Uint8Array.of(0xd9, length), replaces: 1, grows: 1 },
      { header: Uint8Array.of(0xda, 0, length), replaces: 1, grows: 2 },
      { header: Uint8Array.of(0xdb, 0, 0, 0, length), replaces: 1, grows: 4 },
    ];
  }
  if (token >= 0x80 && token <= 0x9f) {
    const count = token & 0x0f;
    const [b16, b32] = token < 0x90 ? [0xde, 0xdf] : [0xdc, 0xdd];
    return [
      { header: Uint8Array.of(b16, 0, count), replaces: 1, grows: 2 },
      { header: Uint8Array.of(b32, 0, 0, 0, count), replaces: 1, grows: 4 },
    ];
  }
  return [];
}

/** A chosen padding: widened tokens (latest first) and the array header's extra bytes. */
interface Choice {
  readonly tokens: { at: number; widening: Widening }[];
  readonly arrayPad: number;
}

/** The smallest padding of `need` bytes modulo `alignment`, if these tokens allow one. */
function choose(
  need: number,
  alignment: number,
  tokens: readonly { at: number; options: readonly Widening[] }[],
): Choice | undefined {
  let best: Choice | undefined;
  let bestSize = Infinity;
  const consider = (chosen: { at: number; widening: Widening }[]): void => {
    const grown = chosen.reduce((sum, { widening }) => sum + widening.grows, 0);
    for (const arrayPad of [0, 2, 4]) {
      const size = grown + arrayPad;
      if (size % alignment === need % alignment && size < bestSize) {
        best = { tokens: chosen, arrayPad };
        bestSize = size;
      }
    }
  };
  const extend = (from: number, chosen: { at: number; widening: Widening }[]): void => {
    consider(chosen);
    for (let i = from; i < tokens.length; i++) {
      for (const widening of tokens[i]!.options)
        extend(i + 1, [...chosen, { at: tokens[i]!.at, widening }]);
    }
  };
  extend(0, []);
  return best;
}

function binHeader(length: number): Uint8Array {
  if (length < 0x100) return Uint8Array.of(0xc4, length);
  if (length < 0x10000) return Uint8Array.of(0xc5, length >> 8, length & 0xff);
  const header = Uint8Array.of(0xc6, 0, 0, 0, 0);
  new DataView(header.buffer).setUint32(1, length);
  return header;
}

/** Size of the slabs messages are carved from, as msgpackr does for its own output. */
const SLAB_BYTES = 4 * 1024 * 1024;
/** Messages this large or larger get a buffer of their own, of exactly their size. */
const OWN_BUFFER_BYTES = 256 * 1024;
let slab: Buffer | undefined;
let slabUsed = 0;

/**
 * A fresh region of `length` bytes at an 8-byte-aligned offset, never handed
 * out before: a sent message may still be read by ZeroMQ, or viewed in place
 * by a subscriber in this process, for as long as anything references it, so
 * its memory is never reused while it lives.
 *
 * Small messages are carved from a slab, which saves an allocation per
 * message; a result keeps its slab alive only as long as it is itself
 * referenced. Large ones (a camera frame) get their own right-sized buffer:
 * with hundreds of frames queued towards a slow subscriber, carving them
 * from slabs took a median 11% more CPU per frame and 35-65% more page faults
 * (bench/README.md, "Frames, the plain `ndarray()` path"), and one frame
 * kept alive would hold a whole slab.
 */
function allocate(length: number): Uint8Array {
  if (length >= OWN_BUFFER_BYTES) return Buffer.allocUnsafeSlow(length);
  if (slab === undefined || slab.byteLength - slabUsed < length) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  const region = slab.subarray(slabUsed, slabUsed + length);
  slabUsed = (slabUsed + length + 7) & ~7;
  return region;
}

/** The pieces joined into one new buffer. @internal */
export function concat(pieces: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const piece of pieces) length += piece.byteLength;
  const out = allocate(length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
}
