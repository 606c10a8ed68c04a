import type { CommandContext } from "./session.js";
import type { Source } from "./names.js";
import { assertKnown, assertOwner } from "./names.js";
import { settle } from "./session.js";

/** One message `echo`, `hz` and `record` see: a data body or a signal's arguments. */
export interface Seen {
  /** The data topic, or `Owner.signal`. */
  readonly topic: string;
  /** The decoded body (a topic) or the arguments (a signal). */
  readonly value: unknown;
}

/**
 * Delivers every message of `source` to `onMessage` until `until` resolves
 * or the command is stopped; resolves once it is no longer listening.
 * Resolves `listening` (if given) once delivery is live.
 */
export async function follow(
  context: CommandContext,
  source: Source,
  onMessage: (seen: Seen) => void,
  until = new Promise<void>(() => undefined),
): Promise<void> {
  const { bus, stop } = context;
  const stopped = Promise.race([
    until,
    new Promise<void>((resolve) => {
      if (stop.aborted) resolve();
      stop.addEventListener("abort", () => resolve(), { once: true });
    }),
  ]);
  if (source.kind === "signal") {
    // Owners of other members may arrive with their next heartbeat.
    if (!bus.has(source.owner)) await settle(bus.membership.heartbeatMs, stop);
    assertOwner(bus, source.owner);
    assertKnown(source.owner, source.member, "signal", Object.keys(bus.signals(source.owner)));
    const topic = `${source.owner}.${source.member}`;
    const connection = bus.connect(source.owner, source.member, (...args: unknown[]) =>
      onMessage({ topic, value: args }),
    );
    await Promise.race([connection.ready, stopped]);
    await stopped;
    connection.disconnect();
    return;
  }
  const subscriber = bus.connectSubscriber(source.topic);
  await Promise.race([subscriber.ready(), stopped]);
  void stopped.then(() => subscriber.close());
  for await (const message of subscriber) onMessage({ topic: message.topic, value: message.value });
}
