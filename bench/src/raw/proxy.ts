import { randomUUID } from "node:crypto";

import * as zmq from "zeromq";

/** A raw zeromq.js XSUB/XPUB proxy on inproc: the bus's forwarder shape without the bus. */
export interface RawProxy {
  readonly publishAddress: string;
  readonly subscribeAddress: string;
  stop(): Promise<void>;
}

/**
 * Binds XSUB (publishers' side) and XPUB (subscribers' side) and proxies them
 * in zeromq's native thread, as the bus's forwarder does.
 */
export async function startRawProxy(options: { noDrop: boolean }): Promise<RawProxy> {
  const id = randomUUID();
  const publishAddress = `inproc://bench-raw-pub-${id}`;
  const subscribeAddress = `inproc://bench-raw-sub-${id}`;
  const frontEnd = new zmq.XSubscriber();
  const backEnd = new zmq.XPublisher({ noDrop: options.noDrop });
  await frontEnd.bind(publishAddress);
  await backEnd.bind(subscribeAddress);
  const proxy = new zmq.Proxy(frontEnd, backEnd);
  const running = proxy.run();
  return {
    publishAddress,
    subscribeAddress,
    async stop() {
      proxy.terminate();
      await running;
    },
  };
}
