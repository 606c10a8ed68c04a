/**
 * Rewrites, in place, the integers msgpackr writes differently from Python's
 * msgpack, so both sides produce the same bytes: a whole number that is a safe
 * integer within ±2^53 but outside the 32-bit range (msgpackr writes float64) becomes uint64 or
 * int64, and a non-negative int64 (msgpackr's form for a bigint) becomes uint64.
 * Each rewrite keeps the 9-byte length, so nothing moves.
 *
 * `data` must be well-formed MessagePack (it is the encoder's own output): the
 * walk only skips over bodies, without checking anything. `onBin16` sees the
 * offset of every 16-byte bin body right after an array header (where the
 * encoder looks for its markers) and the starts of the two fix-format tokens
 * the two...  to align the body.
 * @internal
 */
export function canonicalizeIntegers(
  data: Uint8Array,
  onBin16?: (body: number, widenable: readonly number[]) => void,
): void {
  const end = data.length;
  let view: DataView | undefined;
  let pos = 0;
  // Starts of the last four fix-format tokens (fixint, fixstr, fixarray, fixmap):
  // for a marker, its own array header and three before it that could be widened.
  let fix0 = -1;
  let fix1 = -1;
  let fix2 = -1;
  let fix3 = -1;
  while (pos < end) {
    const start = pos;
    const token = data[pos++]!;
    if (token < 0xc0 || token >= 0xe0) {
      fix3 = fix2;
      fix2 = fix1;
      fix1 = fix0;
      fix0 = start;
      if (token >= 0xa0 && token < 0xc0) pos += token & 0x1f; // fixstr
      continue;
    }
    switch (token) {
      case 0xc4:
        if (onBin16 !== undefined && data[pos] === 16 && fix0 === start - 1)
          onBin16(pos + 1, [fix1, fix2, fix3]);
        pos += 1 + data[pos]!;
        break;
      case 0xd9:
        pos += 1 + data[pos]!;
        break;
      case 0xc5:
      case 0xda:
        pos += 2 + ((data[pos]! << 8) | data[pos + 1]!);
        break;
      case 0xc6:
      case 0xdb:
        view ??= new DataView(data.buffer, data.byteOffset, data.byteLength);
        pos += 4 + view.getUint32(pos);
        break;
      case 0xc7:
        pos += 2 + data[pos]!;
        break;
      case 0xc8:
        pos += 3 + ((data[pos]! << 8) | data[pos + 1]!);
        break;
      case 0xc9:
        view ??= new DataView(data.buffer, data.byteOffset, data.byteLength);
        pos += 5 + view.getUint32(pos);
        break;
      case 0xca:
      case 0xce:
      case 0xd2:
        pos += 4;
        break;
      case 0xcb: {
        view ??= new DataView(data.buffer, data.byteOffset, data.byteLength);
        const value = view.getFloat64(pos);
        if (
          Number.isInteger(value) &&
          Math.abs(value) <= 2 ** 53 &&
          (value >= 0x1_0000_0000 || value < -0x8000_0000)
        ) {
          data[pos - 1] = value >= 0 ? 0xcf : 0xd3;
          view.setBigInt64(pos, BigInt(value));
        }
        pos += 8;
        break;
      }
      case 0xd3:
        // A non-negative int64 has its top bit clear, so the same 8 bytes read as uint64.
        if (data[pos]! < 0x80) data[pos - 1] = 0xcf;
        pos += 8;
        break;
      case 0xcc:
      case 0xd0:
        pos += 1;
        break;
      case 0xcd:
      case 0xd1:
        pos += 2;
        break;
      case 0xcf:
        pos += 8;
        break;
      case 0xd4:
      case 0xd5:
      case 0xd6:
      case 0xd7:
      case 0xd8:
        pos += 1 + (1 << (token - 0xd4));
        break;
      case 0xdc:
      case 0xde:
        pos += 2;
        break;
      case 0xdd:
      case 0xdf:
        pos += 4;
        break;
      // 0xc0, 0xc2, 0xc3: the token alone.
    }
  }
}
