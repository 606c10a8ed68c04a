import * as zmq from "zeromq";

import type { StreamSubject } from "../stream.js";
import { startRawProxy } from "./proxy.js";
import { sendLossless } from "./send.js";

/** How raw messages are built and read: the baseline's own "codec". */
export interface RawPayload {
  /** The body of message `seq`; never empty (an empty body is a readiness probe). */
  body(seq: number): Uint8Array;
  /** Reads back `[seq, sentAt]` (or anything, for payloads that carry no stamp). */
  read(body: Buffer): readonly [number, number];
}

const probe = Buffer.alloc(0);

/**
 * The raw zeromq.js baseline: one `zmq.Publisher` and `receivers`
 * `zmq.Subscriber`s on a raw XSUB/XPUB proxy, in this process, one awaited
 * `send` per message, a `for await` receive loop per subscriber.
 */
export async function rawSubject(options: {
  topic: string;
  payload: RawPayload;
  receivers?: number;
  noDrop: boolean;
}): Promise<StreamSubject> {
  const { topic, payload, noDrop } = options;
  const receivers = options.receivers ?? 1;
  const proxy = await startRawProxy({ noDrop });
  const publisher = new zmq.Publisher({ noDrop });
  publisher.connect(proxy.publishAddress);
  const subscribers = Array.from({ length: receivers }, () => {
    const subscriber = new zmq.Subscriber();
    subscriber.connect(proxy.subscribeAddress);
    subscriber.subscribe(topic);
    return subscriber;
  });
  const probed = new Set<zmq.Subscriber>();
  const loops: Promise<void>[] = [];

  return {
    receivers,
    async ready() {
      // Raw zeromq.js has no readiness signal: send probes until every
      // subscriber has seen one, so the timed part never races subscription.
      while (probed.size < receivers) {
        await sendLossless(publisher, [topic, probe]);
        await new Promise((r) => setTimeout(r, 1));
      }
    },
    send(seq) {
      const frames = [topic, payload.body(seq)];
      return noDrop ? sendLossless(publisher, frames) : publisher.send(frames);
    },
    start(onMessage, onError) {
      for (const subscriber of subscribers) {
        loops.push(
          (async () => {
            for await (const [, body] of subscriber) {
              if (body === undefined || body.length === 0) {
                probed.add(subscriber);
                continue;
              }
              const [seq, sentAt] = payload.read(body);
              onMessage(seq, sentAt);
            }
          })().catch(onError),
        );
      }
    },
    async close() {
      publisher.close();
      for (const subscriber of subscribers) subscriber.close();
      await Promise.allSettled(loops);
      await proxy.stop();
    },
  };
}
