import { RESERVED_PREFIX } from "@sunflare/wire";

/**
 * Joins topic segments with `/`, the separator used across the bus.
 *
 * Topics are matched by prefix, so `topicPath("camera")` also selects
 * `topicPath("camera", "frames")`.
 *
 * @example
 * ```ts
 * topicPath("camera", "frames"); // "camera/frames"
 * ```
 */
export function topicPath(...segments: string[]): string {
  return segments.join("/");
}

// A `Subscriber` of the catch-all `""` drops messages under the reserved
// prefix, which only an explicit subscription gets.
export { isReserved } from "@sunflare/wire";

/**
 * Subscription the forwarder holds permanently on its publisher side. A
 * publisher that sees it knows it has received the forwarder's whole
 * subscription set.
 *
 * @internal
 */
export const SYNC_TOPIC = `${RESERVED_PREFIX}forwarder`;

/** @internal */
export const PRESENCE_PREFIX = `${RESERVED_PREFIX}subscriber/`;

/** Presence of a subscriber that publishers do not count (`counted: false`). @internal */
export const UNCOUNTED_PRESENCE_PREFIX = `${RESERVED_PREFIX}uncounted/`;

/**
 * The presence subscription of one subscriber: `<id>/<generation>`. A new
 * generation is used whenever the subscriber's topics changed, so that seeing
 * it proves the new topics arrived too. Publishers count the subscribers
 * whose presence is under {@link PRESENCE_PREFIX}.
 *
 * @internal
 */
export function presenceTopic(id: string, generation: number, counted = true): string {
  return `${counted ? PRESENCE_PREFIX : UNCOUNTED_PRESENCE_PREFIX}${id}/${generation}`;
}

/**
 * Subscriber id of a presence topic, or `undefined` for any other topic.
 *
 * @internal
 */
export function presenceOwner(topic: string): string | undefined {
  if (!topic.startsWith(PRESENCE_PREFIX)) return undefined;
  const rest = topic.slice(PRESENCE_PREFIX.length);
  const slash = rest.lastIndexOf("/");
  return slash < 0 ? undefined : rest.slice(0, slash);
}
