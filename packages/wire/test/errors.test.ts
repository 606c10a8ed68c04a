import { ClosedError, isSunflareError, SunflareError, TimeoutError } from "../src/index.js";

test("each error of the catalogue carries its code and name, and is an Error", () => {
  const closed = new ClosedError("This publisher");
  expect(closed).toBeInstanceOf(SunflareError);
  expect(closed).toBeInstanceOf(Error);
  expect([closed.code, closed.name, closed.message]).toEqual([
    "closed",
    "ClosedError",
    "This publisher is closed",
  ]);
  const late = new TimeoutError("No answer in 10 ms.", { cause: "why" });
  expect([late.code, late.name, late.cause]).toEqual(["timeout", "TimeoutError", "why"]);
  const refused = new SunflareError("refused", "No.");
  expect([refused.code, refused.name]).toEqual(["refused", "SunflareError"]);
});

test("isSunflareError tells the catalogue's errors by code, also from another copy of the package", () => {
  // What a second installed copy's ClosedError looks like: another class, the same shape.
  const fromAnotherCopy = Object.assign(new Error("x is closed"), { code: "closed" });
  expect(isSunflareError(fromAnotherCopy)).toBe(true);
  expect(isSunflareError(fromAnotherCopy, "closed")).toBe(true);
  expect(isSunflareError(fromAnotherCopy, "timeout")).toBe(false);
  expect(isSunflareError(new TimeoutError("late"), "timeout")).toBe(true);
  // Node's errno codes are not the catalogue's.
  expect(isSunflareError(Object.assign(new Error("no"), { code: "ENOENT" }))).toBe(false);
  expect(isSunflareError({ code: "closed" })).toBe(false);
});
