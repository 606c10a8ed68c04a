import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DecodeError, decode, encode } from "../src/index.js";
import type { Tagged } from "./tagged.js";
import { expected, materialize, normalize } from "./tagged.js";

interface Vector {
  name: string;
  expect?: Tagged;
  canonical?: boolean;
  error?: string;
}

const dir = join(__dirname, "fixtures");
const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as {
  vectors: Vector[];
};
// A plain Uint8Array copy, as a socket would hand over, rather than fs's pooled Buffer.
const bytesOf = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(dir, `${name}.msgpack`)));

const values = manifest.vectors.filter((v) => v.error === undefined);
const errors = manifest.vectors.filter((v) => v.error !== undefined);

describe("golden vectors written by Python msgpack + numpy", () => {
  it("covers every dtype and every MessagePack format family", () => {
    const names = values.map((v) => v.name);
    for (const dtype of [
      "bool",
      "uint8",
      "int8",
      "uint16",
      "int16",
      "uint32",
      "int32",
      "uint64",
      "int64",
      "float32",
      "float64",
    ]) {
      expect(names).toContain(`nd_${dtype}`);
    }
    expect(names).toEqual(
      expect.arrayContaining([
        "str_32",
        "bin_32",
        "array_32",
        "map_16",
        "timestamp_96_before_1970",
      ]),
    );
  });

  it.each(values.map((v) => [v.name, v] as const))("decodes %s", (name, vector) => {
    const decoded = decode(bytesOf(name));
    expect(normalize(decoded, vector.expect!)).toEqual(expected(vector.expect!));
  });

  it.each(values.filter((v) => v.canonical).map((v) => [v.name, v] as const))(
    "encodes %s to the same bytes as Python",
    (name, vector) => {
      expect(Buffer.from(encode(materialize(vector.expect!))).toString("hex")).toBe(
        Buffer.from(bytesOf(name)).toString("hex"),
      );
    },
  );

  // -0 is the one value whose round trip changes it: msgpackr writes it as the integer 0 (documented).
  const reencodable = values.filter((v) => !v.canonical && v.name !== "float_negative_zero");

  it.each(reencodable.map((v) => [v.name, v] as const))(
    "re-encodes %s (several valid encodings) to bytes that decode to the same value",
    (name, vector) => {
      const again = decode(encode(decode(bytesOf(name))));
      expect(normalize(again, vector.expect!)).toEqual(expected(vector.expect!));
    },
  );

  it.each(errors.map((v) => [v.name, v] as const))(
    "rejects %s with a DecodeError",
    (name, vector) => {
      const attempt = () => decode(bytesOf(name));
      expect(attempt).toThrow(DecodeError);
      expect(attempt).toThrow(vector.error);
    },
  );
});
