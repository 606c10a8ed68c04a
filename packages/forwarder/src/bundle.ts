// Bundles: several messages of one topic, sent by one publisher in the same
// tick, travelling as one ZeroMQ message `[topic, BUNDLE_MARKER, payload]`.
// The payload is a little-endian u32 message count, then per message a u32
// body length and the body. A `Subscriber` hands the messages out one by
// one, each as `[topic, body]`; see the package README, "Bundles".
//
// Internal to the package.

/** The second frame of a bundle: three frames are malformed to any reader that does not know it. */
export const BUNDLE_MARKER: Buffer = Buffer.from("sunflare/bundle/1", "latin1");

/**
 * The second frame of a copied bundle: its payload travels as a latin1
 * string, so zeromq.js copies it (see the package README, "Bundles"); on
 * the wire that is the payload's bytes as UTF-8.
 */
export const COPIED_BUNDLE_MARKER: Buffer = Buffer.from("sunflare/bundle/1/latin1", "latin1");

/** zeromq.js copies a frame this long or shorter; a longer one points into the sender's memory. */
export const ZERO_COPY_ABOVE = 128;

/**
 * A message of `bodies` (one or more) that zeromq.js copies whole: `[topic,
 * body]` for one body it copies anyway, a copied bundle otherwise.
 */
export function copiedMessage(
  topicFrame: Uint8Array,
  bodies: readonly Uint8Array[],
): (Uint8Array | string)[] {
  if (bodies.length === 1 && bodies[0]!.byteLength <= ZERO_COPY_ABOVE) {
    return [topicFrame, bodies[0]!];
  }
  return [topicFrame, COPIED_BUNDLE_MARKER, packBundle(bodies).toString("latin1")];
}

/** Messages in one bundle at most. */
export const BUNDLE_MESSAGES = 256;

/** Payload bytes of one bundle at most (a single larger body still goes alone). */
export const BUNDLE_BYTES = 64 * 1024;

/** Bodies this large or larger are sent on their own: copying them into a bundle would cost more than it saves. */
export const BUNDLE_BODY_LIMIT = 16 * 1024;

/** Bytes a bundle's payload takes before its first body. */
export const BUNDLE_HEADER_BYTES = 4;

/** Bytes each body adds beside its own: its length. */
export const BUNDLE_ENTRY_BYTES = 4;

/** Whether `frames` are a bundle, copied or not (well-formed or not). */
export function isBundle(frames: readonly Buffer[]): boolean {
  return (
    frames.length === 3 &&
    (frames[1]!.equals(BUNDLE_MARKER) || frames[1]!.equals(COPIED_BUNDLE_MARKER))
  );
}

/**
 * What a subscriber makes of a ZeroMQ message, in one call: `undefined` for
 * one that is not a bundle, the bodies of a bundle (views, see
 * {@link unpackBundle}), or what is wrong with a malformed bundle.
 */
export function bundleBodies(frames: readonly Buffer[]): Buffer[] | string | undefined {
  if (frames.length !== 3) return undefined;
  if (frames[1]!.equals(BUNDLE_MARKER)) return unpackBundle(frames[2]!);
  if (!frames[1]!.equals(COPIED_BUNDLE_MARKER)) return undefined;
  // Back from UTF-8 to the payload's bytes: each character is one byte.
  return unpackBundle(Buffer.from(frames[2]!.toString("utf8"), "latin1"));
}

/** The payload of a bundle of `bodies`. */
export function packBundle(bodies: readonly Uint8Array[]): Buffer {
  let size = BUNDLE_HEADER_BYTES;
  for (const body of bodies) size += BUNDLE_ENTRY_BYTES + body.byteLength;
  const payload = Buffer.allocUnsafe(size);
  payload.writeUInt32LE(bodies.length, 0);
  let offset = BUNDLE_HEADER_BYTES;
  for (const body of bodies) {
    payload.writeUInt32LE(body.byteLength, offset);
    payload.set(body, offset + BUNDLE_ENTRY_BYTES);
    offset += BUNDLE_ENTRY_BYTES + body.byteLength;
  }
  return payload;
}

/**
 * The bodies of a bundle's payload, as views of it (nothing is copied), or
 * what is wrong with the payload: nothing is returned from a payload that
 * does not add up exactly.
 */
export function unpackBundle(payload: Buffer): Buffer[] | string {
  const size = payload.byteLength;
  if (size < BUNDLE_HEADER_BYTES)
    return `its payload has ${size} bytes, too few for a message count`;
  const count = payload.readUInt32LE(0);
  if (count === 0) return "its payload declares no message";
  // Checked before anything is allocated for them.
  if (count > (size - BUNDLE_HEADER_BYTES) / BUNDLE_ENTRY_BYTES) {
    return `its payload declares ${count} messages but has ${size} bytes`;
  }
  const bodies = new Array<Buffer>(count);
  let offset = BUNDLE_HEADER_BYTES;
  for (let index = 0; index < count; index++) {
    if (size - offset < BUNDLE_ENTRY_BYTES) {
      return `its payload ends before message ${index + 1} of ${count}`;
    }
    const length = payload.readUInt32LE(offset);
    offset += BUNDLE_ENTRY_BYTES;
    if (length > size - offset) {
      return `message ${index + 1} of ${count} declares ${length} bytes, ${size - offset} remain`;
    }
    bodies[index] = payload.subarray(offset, offset + length);
    offset += length;
  }
  if (offset !== size) return `${size - offset} bytes follow its last message`;
  return bodies;
}
