import fc from "fast-check";
import { BUNDLE_MARKER, isBundle, packBundle, unpackBundle } from "../src/bundle.js";

// The bundle payload of src/bundle.ts: what is packed unpacks to the same
// bodies, and a payload that does not add up exactly is refused whole.

const bodies = fc.array(
  fc.uint8Array({ maxLength: 40 }).map((body) => Buffer.from(body)),
  { minLength: 1, maxLength: 20 },
);

test("a packed bundle unpacks to the same bodies, as views of the payload", () => {
  fc.assert(
    fc.property(bodies, (list) => {
      const payload = packBundle(list);
      const unpacked = unpackBundle(payload);
      expect(unpacked).toEqual(list);
      for (const body of unpacked as Buffer[]) expect(body.buffer).toBe(payload.buffer);
    }),
  );
});

test("a truncated payload, or one with bytes after its last body, is refused whole", () => {
  fc.assert(
    fc.property(
      bodies,
      fc.nat(),
      fc.uint8Array({ minLength: 1, maxLength: 8 }),
      (list, cut, tail) => {
        const payload = packBundle(list);
        const truncated = payload.subarray(0, cut % payload.byteLength);
        expect(typeof unpackBundle(truncated)).toBe("string");
        const extended = Buffer.concat([payload, tail]);
        expect(unpackBundle(extended)).toBe(`${tail.byteLength} bytes follow its last message`);
      },
    ),
  );
});

test("a wrong message count is refused with what was wrong", () => {
  const payload = packBundle([Buffer.from("abcdefgh"), Buffer.from("c")]);
  payload.writeUInt32LE(0, 0);
  expect(unpackBundle(payload)).toBe("its payload declares no message");
  payload.writeUInt32LE(3, 0);
  expect(unpackBundle(payload)).toBe("its payload ends before message 3 of 3");
  payload.writeUInt32LE(1, 0);
  expect(unpackBundle(payload)).toBe("5 bytes follow its last message");
});

test("a huge declared count or length is refused before anything is allocated for it", () => {
  const payload = Buffer.alloc(12);
  payload.writeUInt32LE(0xffffffff, 0);
  expect(unpackBundle(payload)).toBe("its payload declares 4294967295 messages but has 12 bytes");
  payload.writeUInt32LE(1, 0);
  payload.writeUInt32LE(0xffffffff, 4);
  expect(unpackBundle(payload)).toBe("message 1 of 1 declares 4294967295 bytes, 4 remain");
  expect(unpackBundle(Buffer.alloc(3))).toBe(
    "its payload has 3 bytes, too few for a message count",
  );
});

test("only three frames with the marker in the middle are a bundle", () => {
  const payload = packBundle([Buffer.from("x")]);
  expect(isBundle([Buffer.from("t"), BUNDLE_MARKER, payload])).toBe(true);
  expect(isBundle([Buffer.from("t"), Buffer.from("sunflare/bundle/2"), payload])).toBe(false);
  expect(isBundle([Buffer.from("t"), BUNDLE_MARKER])).toBe(false);
  expect(isBundle([Buffer.from("t"), BUNDLE_MARKER, payload, payload])).toBe(false);
});
