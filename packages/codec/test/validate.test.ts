import { Codec, DecodeError, decode, encode, ndarray } from "../src/index.js";

const bytes = (text: string): Uint8Array =>
  new Uint8Array(Buffer.from(text.replace(/\s/g, ""), "hex"));

function decodeError(data: Uint8Array, codec?: Codec): string {
  try {
    const value: unknown = (codec ?? { decode }).decode(data);
    throw new Error(`decoded ${String(value)} instead of throwing`);
  } catch (error) {
    expect(error).toBeInstanceOf(DecodeError);
    return (error as DecodeError).message;
  }
}

describe("decode rejects malformed input with a DecodeError", () => {
  it("says the input is empty", () => {
    expect(decodeError(new Uint8Array(0))).toBe("empty input: no MessagePack value");
  });

  it("rejects every truncation of a message", () => {
    const message = encode({
      seq: 123456,
      t: 1.5,
      name: "cam",
      at: new Date(1500),
      big: 2n ** 60n,
      frame: ndarray(new Uint16Array([1, 2, 3, 4]), [2, 2]),
      list: [null, true, "x".repeat(40), new Uint8Array(300)],
    });
    for (let end = 0; end < message.length; end++) {
      expect(decodeError(message.subarray(0, end))).toMatch(/^(truncated input|empty input)/);
    }
  });

  it("names where the truncated container started", () => {
    expect(decodeError(bytes("92 01"))).toBe(
      "truncated input: array at offset 0 declares 2 elements but only 1 byte(s) remain",
    );
    expect(decodeError(bytes("92 92 01 02"))).toBe(
      "truncated input: the array at offset 0 needs 1 more item(s) but the input ends at offset 4",
    );
  });

  it("rejects trailing bytes after a complete value", () => {
    expect(decodeError(bytes("81 a1 61 01 00"))).toBe(
      "trailing bytes: a complete value ends at offset 4 but the input has 1 more byte(s)",
    );
  });

  it.each([
    [
      "str32",
      "db ffffffff 6162",
      "string at offset 0 declares 4294967295 byte(s) but only 2 remain",
    ],
    [
      "bin32",
      "c6 ffffffff 0102",
      "binary at offset 0 declares 4294967295 byte(s) but only 2 remain",
    ],
    [
      "ext32",
      "c9 ffffffff ff 00",
      "extension at offset 0 declares 4294967295 byte(s) but only 1 remain",
    ],
    [
      "array32",
      "dd ffffffff 01",
      "array at offset 0 declares 4294967295 elements but only 1 byte(s) remain",
    ],
    [
      "map32",
      "df ffffffff 01 01",
      "map at offset 0 declares 4294967295 entries but only 2 byte(s) remain",
    ],
    [
      "array32 inside a map",
      "81 a1 61 dd 7fffffff",
      "array at offset 3 declares 2147483647 elements",
    ],
    ["uint16", "cd 01", "number at offset 0 declares 2 byte(s) but only 1 remain"],
    [
      "str16 length",
      "da 01",
      "the header at offset 0 (0xda) needs 2 more byte(s) but only 1 remain",
    ],
  ])("fails fast on a %s header claiming more than the input holds", (_, input, message) => {
    expect(decodeError(bytes(input))).toContain(message);
  });

  it("rejects the never-used byte 0xc1", () => {
    expect(decodeError(bytes("92 01 c1"))).toBe(
      "invalid byte 0xc1 (never used in MessagePack) at offset 2",
    );
  });

  it.each([
    ["msgpackr's typed array", "c7 03 74 01 0203"],
    ["msgpackr's record definition", "d4 72 40"],
    ["msgpackr's undefined", "d4 00 00"],
    ["msgpackr's bigint", "c7 09 42 010000000000000000"],
    ["an application type", "d5 05 0102"],
  ])("rejects an extension other than the timestamp: %s", (_, input) => {
    expect(decodeError(bytes(input))).toMatch(/^unsupported extension type -?\d+ at offset 0/);
  });

  it.each([
    ["a bad length", "d5 ff 0102", "2 data bytes (4, 8 or 12 expected)"],
    ["too many nanoseconds", "c7 0c ff 3b9aca00 0000000000000000", "1000000000 nanoseconds"],
    [
      "seconds beyond a Date",
      "c7 0c ff 00000000 7fffffffffffffff",
      "outside the range of a JavaScript Date",
    ],
  ])("rejects a timestamp with %s", (_, input, message) => {
    expect(decodeError(bytes(input))).toContain(message);
  });

  it.each([
    ["binary", "81 c4 01 00 01"],
    ["an array", "81 90 01"],
    ["a map", "81 80 01"],
    ["an extension", "81 d6ff00000000 01"],
  ])("rejects a map key that is %s", (what, input) => {
    expect(decodeError(bytes(input))).toContain(`unsupported map key at offset 1: ${what}`);
  });

  it("rejects invalid UTF-8, short or long", () => {
    expect(decodeError(bytes("a2 c328"))).toBe("invalid UTF-8 in the string at offset 0");
    const long = new Uint8Array([0xd9, 40, ...new Uint8Array(39).fill(0x61), 0xff]);
    expect(decodeError(long)).toBe("invalid UTF-8 in the string at offset 0");
  });

  it("bounds nesting without using the call stack", () => {
    const deep = new Uint8Array(200_000).fill(0x91);
    deep[deep.length - 1] = 0xc0;
    expect(decodeError(deep)).toBe("nesting deeper than 256 levels at offset 256");
    expect(decodeError(bytes("91 91 91 c0"), new Codec({ maxDepth: 2 }))).toBe(
      "nesting deeper than 2 levels at offset 2",
    );
    expect(new Codec({ maxDepth: 3 }).decode(bytes("91 91 91 c0"))).toEqual([[[null]]]);
  });

  it("enforces maxInputBytes before parsing", () => {
    const codec = new Codec({ maxInputBytes: 4 });
    expect(codec.decode(bytes("93 01 02 03"))).toEqual([1, 2, 3]);
    expect(decodeError(bytes("94 01 02 03 04"), codec)).toBe(
      "input of 5 bytes exceeds maxInputBytes (4)",
    );
  });

  it("rejects input that is not bytes", () => {
    expect(decodeError("92" as unknown as Uint8Array)).toBe(
      "expected a Uint8Array (or Buffer) to decode",
    );
  });

  it("reads 0x40-0x7f as plain integers, never as msgpackr records", () => {
    expect(decode(bytes("92 40 7f"))).toEqual([64, 127]);
  });
});
