import fc from "fast-check";

const MAX_DATE_MS = 8.64e15;

/** Values whose decoded form equals themselves (see the README's mapping table). */
export const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer({ min: -(2 ** 31), max: 2 ** 32 - 1 }),
    fc.maxSafeInteger(),
    fc.double().map((x) => (Object.is(x, -0) ? 0 : x)), // -0 is written as the integer 0
    fc.oneof(
      fc.bigInt({ min: 2n ** 53n + 1n, max: 2n ** 64n - 1n }),
      fc.bigInt({ min: -(2n ** 63n), max: -(2n ** 53n) - 1n }),
    ),
    fc.string({ unit: "binary" }),
    fc.uint8Array({ maxLength: 40 }),
    fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }).map((ms) => new Date(ms)),
    fc.array(tie("any"), { maxLength: 6 }),
    fc.dictionary(
      fc.string({ unit: "binary", maxLength: 8 }).filter((key) => key !== "__proto__"),
      tie("any"),
      { maxKeys: 6 },
    ),
  ),
})).any;
