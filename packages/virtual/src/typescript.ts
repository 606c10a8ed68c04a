// Whether a placed member needs tsx to load its module, and where tsx is.
// Node 20 does not run a worker's `--import` hooks, so the member registers
// tsx itself (src/member-runtime.ts's entry) when this says so.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const TYPESCRIPT = /\.[mc]?ts$/;

/** Whether the host's own Node options load tsx (`node --import tsx`, or the `tsx` command). */
function hostRunsTsx(execArgv: readonly string[]): boolean {
  return execArgv.some((arg) => /(^|[\\/=])tsx([\\/]|$)/.test(arg));
}

/**
 * The `file:` URL of tsx's ESM API for a member that runs `module` with
 * `execArgv`, or `undefined` when it needs none (JavaScript, or a child
 * process that inherits the host's tsx).
 *
 * @throws Error for a TypeScript module when tsx cannot be found
 */
export function tsxFor(
  module: string,
  kind: "worker" | "process",
  execArgv: readonly string[],
): string | undefined {
  const typescript = TYPESCRIPT.test(new URL(module).pathname);
  if (!typescript && !hostRunsTsx(process.execArgv)) return undefined;
  if (kind === "process" && hostRunsTsx(execArgv)) return undefined;
  const api = findTsx([
    ...tsxPackagesIn(process.execArgv),
    fileURLToPath(module),
    join(process.cwd(), "package.json"),
  ]);
  if (api === undefined && typescript) {
    throw new Error(
      `${module} is TypeScript: install tsx where it can be found and run the host with ` +
        "`node --import tsx`, or build the module to JavaScript and place the .js file.",
    );
  }
  return api;
}

/** `…/tsx/package.json` of each tsx the host loads by path (`--import file:///…/tsx/dist/loader.mjs`). */
function tsxPackagesIn(execArgv: readonly string[]): string[] {
  return execArgv.flatMap((arg) => {
    const path = /(?:^|=|file:\/\/)(\/.*[\\/]tsx)[\\/]/.exec(arg)?.[1];
    return path === undefined ? [] : [join(path, "package.json")];
  });
}

function findTsx(from: readonly string[]): string | undefined {
  for (const path of from) {
    try {
      const manifest = createRequire(path).resolve("tsx/package.json");
      const api = join(dirname(manifest), "dist", "esm", "api", "index.mjs");
      if (existsSync(api)) return pathToFileURL(api).href;
    } catch {
      // Not found from here; try the next place.
    }
  }
  return undefined;
}
