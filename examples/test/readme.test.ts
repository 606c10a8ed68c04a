import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const examples = join(__dirname, "..");
const readmePath = join(examples, "..", "README.md");

/** The code block and the output block that follow a README heading. */
async function readmeBlocks(heading: string): Promise<{ code: string; output: string }> {
  const readme = await readFile(readmePath, "utf8");
  const section = readme.split(`## ${heading}\n`)[1]?.split("\n## ")[0] ?? "";
  const blocks = [...section.matchAll(/```(\w+)\n([\s\S]*?)```/g)];
  const code = blocks.find(([, lang]) => lang === "ts")?.[2];
  const output = blocks.find(([, lang]) => lang === "text")?.[2];
  if (code === undefined || output === undefined) throw new Error(`no example under "${heading}"`);
  return { code, output };
}

describe("README: A first example", () => {
  it("is the code of examples/first.ts", async () => {
    const { code } = await readmeBlocks("A first example");
    expect(await readFile(join(examples, "first.ts"), "utf8")).toBe(code);
  });

  it("prints what the README says, and the process exits by itself", async () => {
    const { output } = await readmeBlocks("A first example");
    const { stdout } = await run(
      process.execPath,
      ["--conditions=@sunflare/source", "--import", "tsx", "first.ts"],
      { cwd: examples, timeout: 30_000 },
    );
    expect(stdout).toBe(output);
  });
});
