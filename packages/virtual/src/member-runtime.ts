// The placed member's side of a launch: joins the bus, builds the plugins with
// the module's default export, then runs what the host asks, one request at a
// time, through the same phases as the host (each plugin a `LocalPlugin`).
// `member/entry.js` starts it in the worker thread or child process.
import { TimeoutError } from "@sunflare/wire";
import { defaultLogger } from "@sunflare/signal";
import { VirtualBus } from "./bus.js";
import type { ControlReply, ControlRequest, StartRequest } from "./control.js";
import { reportError } from "./control.js";
import type { PluginFactory } from "./placement.js";
import { connectAll, LocalPlugin, registerAll, settled, stopAll, withDeadline } from "./phases.js";

/** How a placed member talks to its host: the worker's port or the child's IPC channel. */
export interface ControlChannel {
  send(reply: ControlReply): void;
  onRequest(handler: (request: ControlRequest) => void): void;
  /** Called once if the host is gone (a child's channel closed under it). */
  onHostGone(handler: () => void): void;
  /** Lets the thread or process end once nothing else runs. */
  close(): void;
}

/**
 * Runs a placed member until the host asks it to shut down, or is gone.
 *
 * @internal the entry of `inWorker`/`inProcess` members (`member/entry.js`)
 */
export async function runPlacedMember(start: StartRequest, channel: ControlChannel): Promise<void> {
  const ok = (id: number, value?: unknown): void =>
    channel.send({ type: "reply", id, ok: true, value });
  const fail = (id: number, error: unknown): void =>
    channel.send({ type: "reply", id, ok: false, error: reportError(error) });
  const leave = (): void => {
    channel.close();
    // The bus is closed, so ending is safe; a plugin's forgotten timer must not keep us.
    setTimeout(() => process.exit(), LEAVE_GRACE_MS).unref();
  };
  let bus: VirtualBus | undefined;
  let plugins: LocalPlugin[] = [];
  try {
    const { heartbeatMs, missedHeartbeats } = start;
    // Its host is the process that placed it: with that one gone, so is its purpose.
    bus = await VirtualBus.join(start.address, { heartbeatMs, missedHeartbeats, rejoin: false });
    plugins = await build(bus, start);
  } catch (error) {
    fail(0, error);
    await bus?.shutdown();
    leave();
    return;
  }
  const joined = bus;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      const failures = await withDeadline(
        stopAll(plugins, ({ label }, error) =>
          defaultLogger.error(`${start.name}: ${label} failed to shut down.`, error),
        ),
        start.exitTimeoutMs,
        () => [
          new TimeoutError(
            `The plugins of ${start.name} did not shut down within ${start.exitTimeoutMs} ms; it left the bus anyway.`,
          ),
        ],
      );
      // Always: a worker ended with its sockets open would abort the whole process.
      await joined.shutdown();
      if (failures.length === 1) throw failures[0];
      if (failures.length > 1) {
        throw new AggregateError(
          failures,
          `${failures.length} plugins of ${start.name} failed to shut down.`,
        );
      }
    })());
  // The host is gone: nobody will ask us to stop, so stop now.
  const orphaned = (): void =>
    void stop()
      .catch(() => undefined)
      .finally(leave);
  joined.membership.on("closed", (reason) => {
    if (reason !== undefined) orphaned();
  });
  channel.onHostGone(orphaned);

  const answer = async (request: ControlRequest): Promise<unknown> => {
    switch (request.type) {
      case "registration":
        return registerAll(joined, plugins);
      case "connection":
        return connectAll(plugins, request.owners);
      case "settle":
        return settled(joined, start.timeoutMs);
      case "wiring":
        return joined.wiring();
      case "shutdown":
        return stop();
    }
  };
  channel.onRequest((request) => {
    answer(request)
      .then(
        (value) => ok(request.id, value),
        (error: unknown) => fail(request.id, error),
      )
      .finally(() => {
        if (request.type === "shutdown") leave();
      });
  });
  ok(0, joined.member);
}

/** Milliseconds a member that left may take to end by itself before it exits. */
const LEAVE_GRACE_MS = 1000;

/** Builds the plugins with the module's default export, each run as on the host. */
async function build(bus: VirtualBus, start: StartRequest): Promise<LocalPlugin[]> {
  const { default: factory } = (await import(start.module)) as { default?: unknown };
  if (typeof factory !== "function") {
    throw new TypeError(
      `${start.module} must export a default function (bus, data) => plugins; it exports ${typeof factory}.`,
    );
  }
  const built = await (factory as PluginFactory<VirtualBus>)(bus, start.data);
  const plugins = built === undefined ? [] : Array.isArray(built) ? built : [built];
  return plugins.map((plugin: object) => new LocalPlugin(bus, plugin, start.timeoutMs));
}
