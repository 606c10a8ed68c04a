/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions with
 * the most self time and, with `--inclusive`, the most inclusive time. Native
 * work (zeromq's send and receive, Buffer copies) is charged to the
 * JavaScript frame that called it.
 *
 * Usage: node --import tsx src/tools/cpuprofile-top.ts <file.cpuprofile> [--top N] [--inclusive] [--match text]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({
  options: {
    top: { type: "string", default: "25" },
    inclusive: { type: "boolean", default: false },
    match: { type: "string" },
  },
  allowPositionals: true,
});
const file = positionals[0];
if (file === undefined) {
  process.stderr.write(
    "Usage: cpuprofile-top <file.cpuprofile> [--top N] [--inclusive] [--match text]\n",
  );
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
const top = Number(values.top);

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of node.children ?? []) parents.set(child, node.id);

const nameOf = (node: ProfileNode): string => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url === "" ? "" : ` ${url.split("/").slice(-2).join("/")}:${lineNumber + 1}`;
  return `${functionName === "" ? "(anonymous)" : functionName}${where}`;
};

const selfTime = new Map<string, number>();
const inclusiveTime = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index] ?? 0;
  total += delta;
  const node = nodes.get(id);
  if (node === undefined) return;
  const name = nameOf(node);
  selfTime.set(name, (selfTime.get(name) ?? 0) + delta);
  const seen = new Set<string>();
  for (
    let current: number | undefined = id;
    current !== undefined;
    current = parents.get(current)
  ) {
    const ancestor = nodes.get(current);
    if (ancestor === undefined) break;
    const ancestorName = nameOf(ancestor);
    if (seen.has(ancestorName)) continue;
    seen.add(ancestorName);
    inclusiveTime.set(ancestorName, (inclusiveTime.get(ancestorName) ?? 0) + delta);
  }
});

const print = (title: string, times: Map<string, number>): void => {
  process.stdout.write(`--- ${title}\n`);
  const rows = [...times]
    .filter(([name]) => values.match === undefined || name.includes(values.match))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  for (const [name, time] of rows) {
    const ms = (time / 1000).toFixed(1).padStart(8);
    const share = ((100 * time) / total).toFixed(1).padStart(5);
    process.stdout.write(`${ms} ms ${share}%  ${name}\n`);
  }
};

process.stdout.write(`${file}: ${(total / 1000).toFixed(0)} ms sampled\n`);
print("self time", selfTime);
if (values.inclusive) print("inclusive time", inclusiveTime);
