import type { SessionWiringEntry } from "@sunflare/virtual";
import { wiringText } from "../../src/view/wiring.js";

const entry = (overrides: Partial<SessionWiringEntry>): SessionWiringEntry => ({
  owner: "AcquisitionController",
  signal: "sigAcquisitionRequested",
  slot: "start",
  state: "live",
  remote: false,
  member: "host",
  ...overrides,
});

describe("wiringText", () => {
  it("lists one connection per line, both ends, live or pending, local or remote", () => {
    const text = wiringText([
      entry({}),
      entry({ owner: "Viewer", signal: "sigFinished", slot: "onFinished", remote: true }),
      entry({
        owner: "Nobody",
        signal: "sigMissing",
        slot: "waits",
        member: "viewer",
        state: "pending",
      }),
    ]);
    expect(text.split("\n")).toEqual([
      "3 connections (signal → where the slot runs: slot), 1 pending:",
      "  AcquisitionController.sigAcquisitionRequested → host: start       live     local",
      "  Viewer.sigFinished                            → host: onFinished  live     remote",
      "  Nobody.sigMissing                             → viewer: waits     pending  local",
    ]);
  });

  it("says when every connection is live", () => {
    expect(wiringText([entry({})]).split("\n")[0]).toBe(
      "1 connection (signal → where the slot runs: slot), all live:",
    );
  });
});
