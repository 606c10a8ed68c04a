import type { Message } from "@sunflare/forwarder";

import type { RawPayload } from "../raw/subject.js";
import { now } from "./timing.js";

/** The small message of cases 1, 3 and 4: a sequence number and a send time. */
export interface SmallMessage {
  seq: number;
  t: number;
}

/** Small messages for the raw zeromq.js baseline: `{ seq, t }` as a JSON buffer. */
export const smallJsonPayload: RawPayload = {
  body: (seq) => Buffer.from(JSON.stringify({ seq, t: now() } satisfies SmallMessage)),
  read: (body) => {
    const value = JSON.parse(body.toString()) as SmallMessage;
    return [value.seq, value.t];
  },
};

/** Small messages for the bus: `{ seq, t }` as a value its codec encodes. */
export const smallBusValue = {
  value: (seq: number): SmallMessage => ({ seq, t: now() }),
  read: (message: Message): readonly [number, number] => {
    const value = message.value as SmallMessage;
    return [value.seq, value.t];
  },
};
