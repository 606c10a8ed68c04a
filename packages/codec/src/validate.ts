import { isUtf8 } from "node:buffer";
import { DecodeError } from "./decode-error.js";

/** Largest |seconds| a JavaScript Date can hold (±8.64e15 ms). */
const MAX_DATE_SECONDS = 8.64e12;

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
 * @internal
 */
export function validate(data: Uint8Array, maxDepth: number): void {
  const end = data.length;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  // Items still to read in the innermost open container, and whether it is a map.
  let remaining = 1;
  let inMap = false;
  let openedAt = 0;
  const stack: number[] = [];
  let pos = 0;

  for (;;) {
    while (remaining === 0) {
      if (stack.length === 0) {
        if (pos !== end) {
          throw new DecodeError(
            `trailing bytes: a complete value ends at offset ${pos} but the input has ${end - pos} more byte(s)`,
          );
        }
        return;
      }
      openedAt = stack.pop()!;
      inMap = stack.pop() === 1;
      remaining = stack.pop()!;
    }
    if (pos >= end) {
      throw new DecodeError(
        stack.length === 0
          ? "empty input: no MessagePack value"
          : `truncated input: the ${inMap ? "map" : "array"} at offset ${openedAt} needs ${remaining} more item(s) but the input ends at offset ${end}`,
      );
    }
    const isKey = inMap && remaining % 2 === 0;
    remaining--;
    const at = pos;
    const token = data[pos++]!;

    // Scalars that are the token alone.
    if (token < 0x80 || token >= 0xe0 || token === 0xc0 || token === 0xc2 || token === 0xc3)
      continue;

    let length = -1; // bytes of body to skip (str, bin, ext, numbers)
    let count = -1; // elements of a container
    let kind: "str" | "bin" | "ext" | "num" | "array" | "map" = "num";
    let extType = 0;

    if (token <= 0x8f) {
      kind = "map";
      count = token & 0x0f;
    } else if (token <= 0x9f) {
      kind = "array";
      count = token & 0x0f;
    } else if (token <= 0xbf) {
      kind = "str";
      length = token & 0x1f;
    } else {
      switch (token) {
        case 0xc1:
          throw new DecodeError(`invalid byte 0xc1 (never used in MessagePack) at offset ${at}`);
        case 0xc4:
        case 0xd9:
          if (1 > end - pos) throw truncatedHeader(at, token, 1, pos, end);
          length = data[pos++]!;
          kind = token === 0xc4 ? "bin" : "str";
          break;
        case 0xc5:
        case 0xda:
          if (2 > end - pos) throw truncatedHeader(at, token, 2, pos, end);
          length = view.getUint16(pos);
          pos += 2;
          kind = token === 0xc5 ? "bin" : "str";
          break;
        case 0xc6:
        case 0xdb:
          if (4 > end - pos) throw truncatedHeader(at, token, 4, pos, end);
          length = view.getUint32(pos);
          pos += 4;
          kind = token === 0xc6 ? "bin" : "str";
          break;
        case 0xc7:
          if (2 > end - pos) throw truncatedHeader(at, token, 2, pos, end);
          length = data[pos]!;
          extType = view.getInt8(pos + 1);
          pos += 2;
          kind = "ext";
          break;
        case 0xc8:
          if (3 > end - pos) throw truncatedHeader(at, token, 3, pos, end);
          length = view.getUint16(pos);
          extType = view.getInt8(pos + 2);
          pos += 3;
          kind = "ext";
          break;
        case 0xc9:
          if (5 > end - pos) throw truncatedHeader(at, token, 5, pos, end);
          length = view.getUint32(pos);
          extType = view.getInt8(pos + 4);
          pos += 5;
          kind = "ext";
          break;
        case 0xca:
          length = 4;
          break;
        case 0xcb:
          length = 8;
          break;
        case 0xcc:
        case 0xd0:
          length = 1;
          break;
        case 0xcd:
        case 0xd1:
          length = 2;
          break;
        case 0xce:
        case 0xd2:
          length = 4;
          break;
        case 0xcf:
        case 0xd3:
          length = 8;
          break;
        case 0xd4:
        case 0xd5:
        case 0xd6:
        case 0xd7:
        case 0xd8:
          if (1 > end - pos) throw truncatedHeader(at, token, 1, pos, end);
          length = 1 << (token - 0xd4);
          extType = view.getInt8(pos);
          pos += 1;
          kind = "ext";
          break;
        case 0xdc:
        case 0xde:
          if (2 > end - pos) throw truncatedHeader(at, token, 2, pos, end);
          count = view.getUint16(pos);
          pos += 2;
          kind = token === 0xdc ? "array" : "map";
          break;
        case 0xdd:
        case 0xdf:
          if (4 > end - pos) throw truncatedHeader(at, token, 4, pos, end);
          count = view.getUint32(pos);
          pos += 4;
          kind = token === 0xdd ? "array" : "map";
          break;
      }
    }

    if (isKey && kind !== "str" && kind !== "num") {
      throw new DecodeError(
        `unsupported map key at offset ${at}: ${kind === "array" ? "an array" : kind === "map" ? "a map" : kind === "ext" ? "an extension" : "binary"} (keys must be strings, numbers, booleans or nil)`,
      );
    }

    if (kind === "array" || kind === "map") {
      const items = kind === "map" ? count * 2 : count;
      // Every element takes at least one byte: a larger count cannot be honest.
      if (items > end - pos) {
        throw new DecodeError(
          `truncated input: ${kind} at offset ${at} declares ${count} ${kind === "map" ? "entries" : "elements"} but only ${end - pos} byte(s) remain`,
        );
      }
      if (items === 0) continue;
      if (stack.length / 3 >= maxDepth) {
        throw new DecodeError(`nesting deeper than ${maxDepth} levels at offset ${at}`);
      }
      stack.push(remaining, inMap ? 1 : 0, openedAt);
      remaining = items;
      inMap = kind === "map";
      openedAt = at;
      continue;
    }

    if (length > end - pos) {
      throw new DecodeError(
        `truncated input: ${kind === "num" ? "number" : kind === "ext" ? "extension" : kind === "str" ? "string" : "binary"} at offset ${at} declares ${length} byte(s) but only ${end - pos} remain`,
      );
    }
    if (kind === "str") checkUtf8(data, pos, length, at);
    else if (kind === "ext") checkExtension(view, pos, length, extType, at);
    pos += length;
  }
}

function checkUtf8(data: Uint8Array, start: number, length: number, at: number): void {
  // Short ASCII strings (map keys, names) are the common case: a loop beats a native call.
  if (length <= 32) {
    let ascii = true;
    for (let i = start; i < start + length; i++) {
      if (data[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return;
  }
  if (!isUtf8(data.subarray(start, start + length))) {
    throw new DecodeError(`invalid UTF-8 in the string at offset ${at}`);
  }
}

function checkExtension(
  view: DataView,
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
  let nanoseconds = 0;
  let seconds: number;
  if (length === 4) {
    seconds = view.getUint32(pos);
  } else if (length === 8) {
    const high = view.getUint32(pos);
    nanoseconds = high >>> 2;
    seconds = (high & 0x3) * 0x1_0000_0000 + view.getUint32(pos + 4);
  } else if (length === 12) {
    nanoseconds = view.getUint32(pos);
    seconds = Number(view.getBigInt64(pos + 4));
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
