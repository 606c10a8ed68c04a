/**
 * The browser client as one self-contained ES module, `sunflare-web.js`:
 * built next to the package's `dist/` files by `pnpm build`, or, when the
 * gateway runs from source (tests, the demo), built in memory by esbuild the
 * first time a page asks for it.
 *
 * @internal
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Plugin } from "esbuild";

/** Where the build puts the bundle: `dist/sunflare-web.js`, beside `dist/index.js`. */
const builtBundle = new URL("../sunflare-web.js", import.meta.url);

let cached: Promise<Uint8Array> | undefined;

/** The bundle's bytes, read or built once per process. */
export function clientBundle(): Promise<Uint8Array> {
  cached ??= readFile(builtBundle).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return buildClient();
  });
  // A failed build may succeed later (say, after `pnpm build`): do not cache failures.
  cached.catch(() => (cached = undefined));
  return cached;
}

/** Writes the bundle to `dist/sunflare-web.js` (the package's build step). */
export async function writeClientBundle(): Promise<void> {
  await writeFile(builtBundle, await buildClient());
}

/**
 * Bundles the client with esbuild (a development dependency: a published
 * package ships the built file and never gets here). Reads the sources, so
 * it works in the repository only.
 */
async function buildClient(): Promise<Uint8Array> {
  const esbuild = await import("esbuild").catch(() => {
    throw new Error(
      "sunflare-web.js is missing and esbuild is not installed to build it: run `pnpm build` in @sunflare/web.",
    );
  });
  const entry = fileURLToPath(new URL("../client/index.ts", import.meta.url)).replace(
    /[\\/]dist[\\/]client[\\/]index\.ts$/,
    "/src/client/index.ts",
  );
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    // Sibling packages from their sources (in the repository), so the bundle does not wait for their builds.
    conditions: ["@sunflare/source"],
    minify: true,
    keepNames: true,
    legalComments: "none",
    write: false,
    plugins: [nodeShims],
  });
  const output = result.outputFiles[0];
  if (!output) throw new Error("esbuild produced no output for sunflare-web.js");
  return output.contents;
}

/**
 * `@sunflare/codec` reaches for three Node features (`randomBytes`, `isUtf8`
 * and `Buffer`); in the bundle they get their Web equivalents, and
 * `Buffer` only in the codec's own files (msgpackr checks for a global
 * `Buffer` to pick its Node code paths, which must stay off in a browser).
 */
const nodeShims: Plugin = {
  name: "sunflare-node-shims",
  setup(build) {
    build.onResolve({ filter: /^(node:(crypto|buffer)|sunflare-shim:buffer-class)$/ }, (args) => ({
      path: args.path,
      namespace: "sunflare-shim",
    }));
    build.onLoad({ filter: /.*/, namespace: "sunflare-shim" }, (args) => ({
      contents: shims[args.path] ?? "",
      loader: "js",
    }));
    build.onLoad({ filter: /[\\/]codec[\\/](src|dist)[\\/][^\\/]+\.(ts|js)$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      if (!/\bBuffer\./.test(source)) return undefined;
      return {
        contents: `import { Buffer } from "sunflare-shim:buffer-class";\n${source}`,
        loader: args.path.endsWith(".ts") ? "ts" : "js",
      };
    });
  },
};

const shims: Record<string, string> = {
  "node:crypto": `export function randomBytes(size) {
    const bytes = new Uint8Array(size);
    globalThis.crypto.getRandomValues(bytes);
    return bytes;
  }`,
  "node:buffer": `const strict = new TextDecoder("utf-8", { fatal: true });
  export function isUtf8(bytes) {
    try { strict.decode(bytes); return true; } catch { return false; }
  }`,
  "sunflare-shim:buffer-class": `export const Buffer = {
    allocUnsafeSlow: (size) => new Uint8Array(size),
    from: (buffer, offset, length) => new Uint8Array(buffer, offset, length),
  };`,
};
