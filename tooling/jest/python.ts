import { spawnSync } from "node:child_process";

// Test helper shared by the packages whose tests talk to a Python peer.

/**
 * The first of $SUNFLARE_PYTHON, /usr/bin/python3, python3 that can import
 * every module of `modules` (e.g. "zmq, msgpack"), and the candidates tried.
 */
export function findPython(modules: string): { python?: string; tried: string[] } {
  const candidates = [process.env.SUNFLARE_PYTHON, "/usr/bin/python3", "python3"].filter(
    (c): c is string => c !== undefined && c !== "",
  );
  for (const python of candidates) {
    const probe = spawnSync(python, ["-c", `import ${modules}`], { timeout: 15_000 });
    if (probe.status === 0) return { python, tried: candidates };
  }
  return { tried: candidates };
}
