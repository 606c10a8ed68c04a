import { spawn } from "node:child_process";
import { join } from "node:path";
import { tsArgs } from "@sunflare/jest-config/run-ts";

// Each case runs in a child process that ends with a subscriber still open
// (see the fixture). zeromq.js hangs a process whose proxy still runs at
// exit, and aborts it (SIGABRT) when a thread ends with a receive pending.
test.each([
  ["exit", "in"],
  ["exit", "off"],
  ["drain", "off"],
])(
  "a process ends cleanly with a subscriber open (%s, receiving %s-thread)",
  async (mode, receiving) => {
    const child = spawn(
      process.execPath,
      [...tsArgs(), join(__dirname, "fixtures", "exit-while-open.ts"), mode, receiving],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.once("exit", (exitCode, exitSignal) => resolve([exitCode, exitSignal])),
    );
    expect(output).toContain("received 1");
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  },
);
