import { randomUUID } from "node:crypto";
import { BroadcastChannel } from "node:worker_threads";
import type { Wait } from "./local.js";
import { whenAppliedHere } from "./local.js";
import { countPublishers, currentSlot, otherSlotsWithPublishers, releaseSlot } from "./roster.js";

/**
 * How `Subscriber.ready()` reaches the publishers of the other threads of the
 * process: a broadcast asks every thread the roster lists as having
 * publishers to confirm, once its publishers connected to the forwarder
 * applied the subscriber's presence topic.
 *
 * Every thread with publishers keeps listening (without keeping its event
 * loop alive); a thread that exits says so, so that nobody waits for it.
 *
 * @internal
 */
const CHANNEL_NAME = "@sunflare/forwarder:readiness/v1";

type Note =
  | { type: "query"; id: string; to: number[]; address: string; presence: string }
  | { type: "cancel"; id: string }
  | { type: "applied"; id: string; slot: number }
  | { type: "gone"; slot: number };

/** A query this thread posted: the slots yet to confirm, and what to call once none is left. */
interface Query {
  waiting: Set<number>;
  settle: () => void;
}

/** Queries this thread waits on, by id. */
const asked = new Map<string, Query>();
/** Local waits started for other threads' queries, by query id. */
const answering = new Map<string, Wait>();
let channel: BroadcastChannel | undefined;

/** Told the slots each query this thread posts asks (for tests). @internal */
export const queryObservers = new Set<(to: readonly number[]) => void>();

function listen(): BroadcastChannel {
  if (channel) return channel;
  const opened = new BroadcastChannel(CHANNEL_NAME);
  opened.onmessage = (event) => receive(event.data as Note);
  opened.unref();
  process.once("exit", leave);
  return (channel = opened);
}

function receive(note: Note): void {
  switch (note.type) {
    case "query": {
      const slot = currentSlot();
      if (slot === undefined || !note.to.includes(slot)) return;
      const wait = whenAppliedHere(note.address, note.presence);
      answering.set(note.id, wait);
      void wait.done.then(() => {
        if (answering.delete(note.id)) post({ type: "applied", id: note.id, slot });
      });
      return;
    }
    case "cancel":
      answering.get(note.id)?.cancel();
      answering.delete(note.id);
      return;
    case "applied":
      confirmed(asked.get(note.id), note.slot);
      return;
    case "gone":
      for (const query of asked.values()) confirmed(query, note.slot);
      return;
  }
}

function confirmed(query: Query | undefined, slot: number): void {
  if (!query?.waiting.delete(slot) || query.waiting.size > 0) return;
  query.settle();
}

function post(note: Note): void {
  listen().postMessage(note);
}

function leave(): void {
  const slot = releaseSlot();
  if (slot !== undefined) channel?.postMessage({ type: "gone", slot } satisfies Note);
  channel?.close();
  channel = undefined;
}

/**
 * Counts a publisher opened in this thread. The channel opens first, so that
 * a `ready()` that sees the count also reaches this thread.
 *
 * @internal
 */
export function publisherOpened(): void {
  listen();
  countPublishers(1);
}

/** Counts a publisher closed in this thread. @internal */
export function publisherClosed(): void {
  countPublishers(-1);
}

/**
 * Resolves once every other thread that has publishers confirmed that those
 * connected at `address` applied `presence` (a thread that exits meanwhile
 * counts as confirmed). Call it once the subscription reached the forwarder:
 * a publisher that connects afterwards receives it with the forwarder's
 * subscription set, so only those counted now matter.
 *
 * @internal
 */
export function whenAppliedElsewhere(address: string, presence: string): Wait {
  const to = otherSlotsWithPublishers();
  if (to.length === 0) return { done: Promise.resolve(), cancel: () => undefined };
  const id = randomUUID();
  const listening = listen();
  listening.ref();
  let settle!: () => void;
  const done = new Promise<void>((resolve) => (settle = resolve));
  const finish = (): void => {
    if (!asked.delete(id)) return;
    if (asked.size === 0) listening.unref();
  };
  asked.set(id, { waiting: new Set(to), settle });
  void done.then(finish);
  post({ type: "query", id, to, address, presence });
  for (const observe of queryObservers) observe(to);
  return {
    done,
    cancel: () => {
      if (!asked.has(id)) return;
      finish();
      post({ type: "cancel", id });
    },
  };
}
