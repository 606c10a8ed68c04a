import type * as zmq from "zeromq";

/**
 * `await socket.send(frames)` on a `noDrop` publisher, waiting for room
 * instead of failing: zeromq.js reports a full high-water mark on such a
 * socket as an `EAGAIN` rejection (the socket always polls writable), so a
 * lossless raw sender retries after letting the event loop drain receivers.
 */
export async function sendLossless(
  socket: zmq.Publisher,
  frames: (string | Uint8Array)[],
): Promise<void> {
  for (;;) {
    try {
      await socket.send(frames);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== "EAGAIN") throw error;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
}
