import {
  emissionTopic,
  isReserved,
  parseEmissionTopic,
  RESERVED_PREFIX,
  selectsReserved,
} from "../src/index.js";

test("an emission topic names its owner and signal; owner names may hold slashes", () => {
  expect(emissionTopic("Stage", "sigMoved")).toBe("\0sunflare/signal/Stage/sigMoved");
  expect(parseEmissionTopic(emissionTopic("lab/Stage", "sigMoved"))).toEqual({
    owner: "lab/Stage",
    signal: "sigMoved",
    sender: undefined,
  });
  // Version 2: the sender's id after a NUL.
  expect(parseEmissionTopic(`${emissionTopic("lab/Stage", "sigMoved")}\0member-1`)).toEqual({
    owner: "lab/Stage",
    signal: "sigMoved",
    sender: "member-1",
  });
  expect(parseEmissionTopic("\0sunflare/signal/nothing")).toBeUndefined();
  expect(parseEmissionTopic("camera/frames")).toBeUndefined();
});

test("reserved topics, and the prefixes that would select them", () => {
  expect(isReserved(`${RESERVED_PREFIX}registry`)).toBe(true);
  expect(isReserved("camera")).toBe(false);
  expect(isReserved("\0other")).toBe(false);
  for (const prefix of ["\0", "\0sun", RESERVED_PREFIX, `${RESERVED_PREFIX}hello`])
    expect(selectsReserved(prefix)).toBe(true);
  for (const prefix of ["", "camera", "\0other"]) expect(selectsReserved(prefix)).toBe(false);
});
