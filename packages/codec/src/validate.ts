import { isUtf8 } from "node:buffer";
import { DecodeError } from "./decode-error.js";

/** Largest |seconds| a JavaScript Date can hold (±8.64e15 ms). */
const MAX_DATE_SECONDS = 8.64e12;

/**
 * Open containers while validating, three numbers each (items left, is-map,
 * start offset). Validation is synchronous and never re-entered, so one stack
 * serves every call without allocating.
 */
const stack: number[] = [];

/**
 * Checks that `data` is exactly one complete, well-formed MessagePack value this
 * codec supports, without building anything, before msgpackr decodes it.
 *
 * Every declared length is compared with the bytes left before anything is
 * read, so a header claiming gigabytes fails at once. Containers are counted
 * on an explicit stack, so nesting is bounded by `maxDepth` instead of the call
 * stack. Only the standard timestamp extension (-1) is accepted: the other
 * extension types are msgpackr's or an application's, and no standard decoder
 * would agree on their meaning.
 *
 * Returns whether the value holds binary data: msgpackr decodes it to views
 * over the input, so only then must the input itself be handed to msgpackr.
 * @internal
 */
export function validate(data: Uint8Array, maxDepth: number): boolean {
  const end = data.length;
  // Items still to read in the innermost open container, and whether it is a map.
  let remaining = 1;
  let inMap = false;
  let openedAt = 0;
  let depth = 0;
  let pos = 0;
  let binary = false;

  for (;;) {
    while (remaining === 0) {
      if (depth === 0) {
        if (pos !== end) {
          throw new DecodeError(
            `trailing bytes: a complete value ends at offset ${pos} but the input has ${end - pos} more byte(s)`,
          );
        }
        return binary;
      }
      depth--;
      openedAt = stack[depth * 3 + 2]!;
      inMap = stack[depth * 3 + 1] === 1;
      remaining = stack[depth * 3]!;
    }
    if (pos >= end) {
      throw new DecodeError(
        depth === 0
          ? "empty input: no MessagePack value"
          : `truncated input: the ${inMap ? "map" : "array"} at offset ${openedAt} needs ${remaining} more item(s) but the input ends at offset ${end}`,
      );
    }
    const isKey = inMap && (remaining & 1) === 0;
    remaining--;
    const at = pos;
    const token = data[pos++]!;

    // Integers, nil and booleans that are the token alone.
    if (token < 0x80 || token >= 0xe0 || token === 0xc0 || token === 0xc2 || token === 0xc3)
      continue;

    if (token >= 0xa0 && token <= 0xbf) {
      pos = skipString(data, pos, token & 0x1f, at);
      continue;
    }

    let count: number;
    let isMap: boolean;
    if (token <= 0x9f) {
      isMap = token <= 0x8f;
      count = token & 0x0f;
    } else if (token === 0xdc || token === 0xde) {
      if (2 > end - pos) throw truncatedHeader(at, token, 2, pos, end);
      isMap = token === 0xde;
      count = (data[pos]! << 8) | data[pos + 1]!;
      pos += 2;
    } else if (token === 0xdd || token === 0xdf) {
      if (4 > end - pos) throw truncatedHeader(at, token, 4, pos, end);
      isMap = token === 0xdf;
      count = uint32(data, pos);
      pos += 4;
    } else {
      if (isKey && token !== 0xc1 && !isScalarKey(token)) throw badKey(at, token);
      if (token >= 0xc4 && token <= 0xc6) binary = true;
      pos = skipScalar(data, pos, token, at);
      continue;
    }

    if (isKey) throw badKey(at, token);
    const items = isMap ? count * 2 : count;
    // Every item takes at least one byte: a larger count cannot be honest.
    if (items > end - pos) {
      throw new DecodeError(
        `truncated input: ${isMap ? "map" : "array"} at offset ${at} declares ${count} ${isMap ? "entries" : "elements"} but only ${end - pos} byte(s) remain`,
      );
    }
    if (items === 0) continue;
    if (depth >= maxDepth)
      throw new DecodeError(`nesting deeper than ${maxDepth} levels at offset ${at}`);
    stack[depth * 3] = remaining;
    stack[depth * 3 + 1] = inMap ? 1 : 0;
    stack[depth * 3 + 2] = openedAt;
    depth++;
    remaining = items;
    inMap = isMap;
    openedAt = at;
  }
}

/** Skips a str, bin, ext or number whose token (not fix-sized) is at `pos - 1`; returns the next offset. */
function skipScalar(data: Uint8Array, pos: number, token: number, at: number): number {
  const end = data.length;
  let length: number;
  let what = "number";
  let extType: number | undefined;
  switch (token) {
    case 0xc1:
      throw new DecodeError(`invalid byte 0xc1 (never used in MessagePack) at offset ${at}`);
    case 0xd9:
      if (1 > end - pos) throw truncatedHeader(at, token, 1, pos, end);
      return skipString(data, pos + 1, data[pos]!, at);
    case 0xda:
      if (2 > end - pos) throw truncatedHeader(at, token, 2, pos, end);
      return skipString(data, pos + 2, (data[pos]! << 8) | data[pos + 1]!, at);
    case 0xdb:
      if (4 > end - pos) throw truncatedHeader(at, token, 4, pos, end);
      return skipString(data, pos + 4, uint32(data, pos), at);
    case 0xc4:
      if (1 > end - pos) throw truncatedHeader(at, token, 1, pos, end);
      length = data[pos++]!;
      what = "binary";
      break;
    case 0xc5:
      if (2 > end - pos) throw truncatedHeader(at, token, 2, pos, end);
      length = (data[pos]! << 8) | data[pos + 1]!;
      pos += 2;
      what = "binary";
      break;
    case 0xc6:
      if (4 > end - pos) throw truncatedHeader(at, token, 4, pos, end);
      length = uint32(data, pos);
      pos += 4;
      what = "binary";
      break;
    case 0xc7:
      if (2 > end - pos) throw truncatedHeader(at, token, 2, pos, end);
      length = data[pos]!;
      extType = data[pos + 1]!;
      pos += 2;
      break;
    case 0xc8:
      if (3 > end - pos) throw truncatedHeader(at, token, 3, pos, end);
      length = (data[pos]! << 8) | data[pos + 1]!;
      extType = data[pos + 2]!;
      pos += 3;
      break;
    case 0xc9:
      if (5 > end - pos) throw truncatedHeader(at, token, 5, pos, end);
      length = uint32(data, pos);
      extType = data[pos + 4]!;
      pos += 5;
      break;
    case 0xd4:
    case 0xd5:
    case 0xd6:
    case 0xd7:
    case 0xd8:
      if (1 > end - pos) throw truncatedHeader(at, token, 1, pos, end);
      length = 1 << (token - 0xd4);
      extType = data[pos++]!;
      break;
    case 0xca:
    case 0xce:
    case 0xd2:
      length = 4;
      break;
    case 0xcb:
    case 0xcf:
    case 0xd3:
      length = 8;
      break;
    case 0xcc:
    case 0xd0:
      length = 1;
      break;
    default: // 0xcd, 0xd1
      length = 2;
  }
  if (extType !== undefined) what = "extension";
  if (length > end - pos) {
    throw new DecodeError(
      `truncated input: ${what} at offset ${at} declares ${length} byte(s) but only ${end - pos} remain`,
    );
  }
  if (extType !== undefined)
    checkExtension(data, pos, length, extType > 127 ? extType - 256 : extType, at);
  return pos + length;
}

function skipString(data: Uint8Array, pos: number, length: number, at: number): number {
  if (length > data.length - pos) {
    throw new DecodeError(
      `truncated input: string at offset ${at} declares ${length} byte(s) but only ${data.length - pos} remain`,
    );
  }
  // Short ASCII strings (map keys, names) are the common case: a loop beats a native call.
  const stop = pos + length;
  if (length <= 32) {
    let i = pos;
    while (i < stop && data[i]! < 0x80) i++;
    if (i === stop) return stop;
  }
  if (!isUtf8(data.subarray(pos, stop)))
    throw new DecodeError(`invalid UTF-8 in the string at offset ${at}`);
  return stop;
}

function uint32(data: Uint8Array, pos: number): number {
  return data[pos]! * 0x1000000 + ((data[pos + 1]! << 16) | (data[pos + 2]! << 8) | data[pos + 3]!);
}

/** Map keys msgpackr turns into property names: strings, numbers, nil, booleans. */
function isScalarKey(token: number): boolean {
  return (
    token === 0xca ||
    token === 0xcb ||
    (token >= 0xcc && token <= 0xd3) ||
    (token >= 0xd9 && token <= 0xdb)
  );
}

function badKey(at: number, token: number): DecodeError {
  const what =
    token <= 0x8f || token === 0xde || token === 0xdf
      ? "a map"
      : token <= 0x9f || token === 0xdc || token === 0xdd
        ? "an array"
        : token >= 0xc4 && token <= 0xc6
          ? "binary"
          : "an extension";
  return new DecodeError(
    `unsupported map key at offset ${at}: ${what} (keys must be strings, numbers, booleans or nil)`,
  );
}

function checkExtension(
  data: Uint8Array,
  pos: number,
  length: number,
  type: number,
  at: number,
): void {
  if (type !== -1) {
    throw new DecodeError(
      `unsupported extension type ${type} at offset ${at} (only the standard timestamp, -1, is decoded)`,
    );
  }
  const view = new DataView(data.buffer, data.byteOffset + pos, length);
  let nanoseconds = 0;
  let seconds: number;
  if (length === 4) {
    seconds = view.getUint32(0);
  } else if (length === 8) {
    const high = view.getUint32(0);
    nanoseconds = high >>> 2;
    seconds = (high & 0x3) * 0x1_0000_0000 + view.getUint32(4);
  } else if (length === 12) {
    nanoseconds = view.getUint32(0);
    seconds = Number(view.getBigInt64(4));
  } else {
    throw new DecodeError(
      `invalid timestamp at offset ${at}: ${length} data bytes (4, 8 or 12 expected)`,
    );
  }
  if (nanoseconds >= 1e9) {
    throw new DecodeError(`invalid timestamp at offset ${at}: ${nanoseconds} nanoseconds`);
  }
  if (Math.abs(seconds) > MAX_DATE_SECONDS) {
    throw new DecodeError(`timestamp at offset ${at} is outside the range of a JavaScript Date`);
  }
}

function truncatedHeader(
  at: number,
  token: number,
  bytes: number,
  pos: number,
  end: number,
): DecodeError {
  return new DecodeError(
    `truncated input: the header at offset ${at} (0x${token.toString(16)}) needs ${bytes} more byte(s) but only ${end - pos} remain`,
  );
}
