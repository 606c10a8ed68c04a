// Where a plugin module runs when it is not in the host's thread: the
// descriptions `launch` accepts beside plugin objects.
import { isAbsolute, basename, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";

/** Options of {@link inWorker} and {@link inProcess}. */
export interface PlacementOptions {
  /**
   * The second argument of the module's default export. It is copied
   * (structured clone), so it may hold typed arrays, maps and dates, but no
   * functions or class instances.
   */
  data?: unknown;
  /** Names the member in errors, logs, exit events and the wiring (default: the module's file name). */
  name?: string;
  /**
   * Node options of the worker or child process (default: the host's own,
   * `process.execArgv`), e.g. `["--conditions=development"]`.
   */
  execArgv?: readonly string[];
}

/**
 * The factory a placed module exports as its default: builds the member's
 * plugins on the bus it joined. It runs before the registration phase.
 *
 * @example
 * ```ts
 * // viewer.ts
 * export default (bus: VirtualBus, data: unknown) => new Viewer(bus, data as ViewerOptions);
 * ```
 */
export type PluginFactory<Bus = unknown> = (
  bus: Bus,
  data: unknown,
) => object | readonly object[] | undefined | Promise<object | readonly object[] | undefined>;

/**
 * A module to run as a member of the bus in a worker thread or a child
 * process, made by {@link inWorker} or {@link inProcess} and started by
 * `launch`.
 */
export class Placement {
  /** @internal use {@link inWorker} or {@link inProcess} */
  constructor(
    /** A worker thread of the host's process, or a child process. */
    readonly kind: "worker" | "process",
    /** The module's `file:` URL. */
    readonly module: string,
    /** The member's name (see {@link PlacementOptions.name}). */
    readonly name: string,
    /** See {@link PlacementOptions.data}. */
    readonly data: unknown,
    /** See {@link PlacementOptions.execArgv}. */
    readonly execArgv: readonly string[] | undefined,
  ) {}

  /** `inWorker(file:///…/viewer.js)`, as errors and logs name it. */
  get label(): string {
    return `${this.kind === "worker" ? "inWorker" : "inProcess"}(${this.module})`;
  }

  /** The {@link label}. */
  toString(): string {
    return this.label;
  }
}

/**
 * Runs `module` in a worker thread of this process, as a member of the bus
 * `launch` is given. Its default export ({@link PluginFactory}) builds the
 * plugins from `(bus, data)`.
 *
 * @param module a `file:` URL (`new URL("./viewer.js", import.meta.url)`), or a path (relative to the working directory)
 * @throws TypeError for a bare specifier or a URL that is not `file:`
 */
export function inWorker(module: URL | string, options: PlacementOptions = {}): Placement {
  return place("worker", module, options);
}

/**
 * Runs `module` in a child process (Node, forked), as a member of the bus
 * `launch` is given; on an inproc bus the forwarder binds an ipc endpoint for
 * it. Its default export ({@link PluginFactory}) builds the plugins from
 * `(bus, data)`.
 *
 * @param module a `file:` URL (`new URL("./viewer.js", import.meta.url)`), or a path (relative to the working directory)
 * @throws TypeError for a bare specifier or a URL that is not `file:`
 */
export function inProcess(module: URL | string, options: PlacementOptions = {}): Placement {
  return place("process", module, options);
}

/** Whether `value` was made by {@link inWorker} or {@link inProcess}. */
export function isPlacement(value: unknown): value is Placement {
  return value instanceof Placement;
}

function place(
  kind: Placement["kind"],
  module: URL | string,
  options: PlacementOptions,
): Placement {
  const url = moduleUrl(module);
  const name = options.name ?? basename(url.pathname, extname(url.pathname));
  return new Placement(kind, url.href, name, options.data, options.execArgv);
}

function moduleUrl(module: URL | string): URL {
  if (module instanceof URL || /^[a-z][a-z0-9+.-]+:/i.test(module)) {
    const url = new URL(module);
    if (url.protocol !== "file:") {
      throw new TypeError(`A placed module must be a file: URL or a path, not ${url.href}.`);
    }
    return url;
  }
  if (!isAbsolute(module) && !/^\.\.?[\\/]/.test(module)) {
    throw new TypeError(
      `A placed module must be a file: URL or a path, not the bare specifier ${JSON.stringify(module)}; ` +
        `write new URL("./${module}", import.meta.url).`,
    );
  }
  return pathToFileURL(resolve(module));
}
