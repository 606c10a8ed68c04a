// The receiving half of a Subscriber created with `offThread: true`: a
// ZeroMQ SUB socket in a worker thread, so that ZeroMQ's per-message work
// runs on another core. Messages go to the subscriber's thread in batches,
// one transferred ArrayBuffer each, framed as src/off-thread-batch.ts reads
// them. Plain JavaScript: it runs as shipped, from source and from dist.
import { parentPort, workerData } from "node:worker_threads";
import { Subscriber } from "zeromq";

/** Messages in one batch at most. */
const BATCH_MESSAGES = 256;
/** Bytes of frames after which a batch goes out without waiting for more. */
const BATCH_BYTES = 1 << 20;
/** Frames start at multiples of this, so that typed arrays can view them in place. */
const ALIGN = 8;

const { address, highWaterMark, curve, credits: initialCredits, closed } = workerData;
const port = parentPort;
const socket = new Subscriber({ linger: 0, receiveHighWaterMark: highWaterMark });
if (curve) {
  socket.curveServerKey = curve.serverKey;
  socket.curvePublicKey = curve.publicKey;
  socket.curveSecretKey = curve.secretKey;
}

let credits = initialCredits;
/** Resolves the wait for a credit, while the batches in flight are at their limit. */
let onCredit;

port.on("message", (command) => {
  switch (command.type) {
    case "subscribe":
      socket.subscribe(command.topic);
      return;
    case "unsubscribe":
      socket.unsubscribe(command.topic);
      return;
    case "credit":
      credits++;
      onCredit?.();
      return;
    case "close":
      stop();
      return;
  }
});

function stop() {
  if (!socket.closed) socket.close();
  port.close();
  onCredit?.();
  // Tells a subscriber's thread that waits at its exit that nothing is left
  // pending here (see src/off-thread.ts).
  Atomics.store(closed, 0, 1);
  Atomics.notify(closed, 0);
}

/** Packs `messages` into one buffer: per message its frame count, then each frame's length and bytes. */
function pack(messages) {
  let size = 0;
  for (const frames of messages) {
    size += 4;
    for (const frame of frames) size = align(size + 4) + frame.length;
  }
  const buffer = new ArrayBuffer(size);
  const view = new DataView(buffer);
  const target = new Uint8Array(buffer);
  let offset = 0;
  for (const frames of messages) {
    view.setUint32(offset, frames.length, true);
    offset += 4;
    for (const frame of frames) {
      view.setUint32(offset, frame.length, true);
      offset = align(offset + 4);
      target.set(frame, offset);
      offset += frame.length;
    }
  }
  return buffer;
}

function align(offset) {
  return (offset + ALIGN - 1) & ~(ALIGN - 1);
}

function send(messages) {
  const buffer = pack(messages);
  credits--;
  port.postMessage({ type: "batch", buffer, count: messages.length }, [buffer]);
}

function describe(error) {
  return { message: error?.message ?? String(error), code: error?.code };
}

async function run() {
  socket.connect(address);
  let messages = [];
  let bytes = 0;
  const flush = () => {
    if (messages.length > 0) send(messages);
    messages = [];
    bytes = 0;
  };
  // A receive timeout of 0 while messages are queued: the batch goes out as
  // soon as the queue is empty, so a sparse stream waits for no batch.
  socket.receiveTimeout = -1;
  while (!socket.closed) {
    if (credits <= 0) {
      await new Promise((resolve) => (onCredit = resolve));
      onCredit = undefined;
      continue;
    }
    let frames;
    try {
      frames = await socket.receive();
    } catch (error) {
      if (socket.closed) break;
      // What was received before goes out first, in order.
      flush();
      socket.receiveTimeout = -1;
      if (error?.code === "EAGAIN") continue;
      port.postMessage({ type: "error", error: describe(error) });
      await new Promise((resolve) => setImmediate(resolve));
      continue;
    }
    messages.push(frames);
    for (const frame of frames) bytes += frame.length;
    if (messages.length >= BATCH_MESSAGES || bytes >= BATCH_BYTES) {
      flush();
      // Let the commands (credits, subscriptions, close) in.
      await new Promise((resolve) => setImmediate(resolve));
    }
    socket.receiveTimeout = 0;
  }
}

run().catch((error) => {
  // Nothing more will be received: the subscriber reports it and closes.
  port.postMessage({ type: "fatal", error: describe(error) });
  stop();
});
