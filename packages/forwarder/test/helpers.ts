import type { Message, Subscriber } from "../src/index.js";

/** Receives exactly `count` messages. */
export async function take(subscriber: Subscriber, count: number): Promise<Message[]> {
  const messages: Message[] = [];
  while (messages.length < count) messages.push(await subscriber.receive());
  return messages;
}

/** Topics of messages. */
export function topics(messages: readonly Message[]): string[] {
  return messages.map((message) => message.topic);
}

/** Number of sequence numbers missing between 0 and the last one seen. */
export function gaps(sequence: readonly number[], total: number): number {
  return total - new Set(sequence).size;
}
