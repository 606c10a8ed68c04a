import { getEnvironmentData, setEnvironmentData } from "node:worker_threads";

/**
 * The process-wide roster of threads that have publishers: shared memory in
 * which each copy of this module (one per thread, or more if a thread loads
 * the package twice) owns a slot holding its number of open publishers.
 *
 * `Subscriber.ready()` reads it to know which other threads must confirm
 * that their publishers applied its subscriptions, and skips the threads
 * that have none. The buffer travels to worker threads as environment data,
 * which Node clones into each worker at its creation, and a
 * `SharedArrayBuffer` clone shares its memory.
 *
 * @internal
 */
const ROSTER_KEY = "@sunflare/forwarder:roster/v1";
const SLOTS = 4096;
// Word 0: number of slots ever claimed (the end of the scan). Then, per
// slot, a "claimed" word and a publisher count.
const HEADER = 1;

function sharedRoster(): Int32Array {
  const inherited = getEnvironmentData(ROSTER_KEY);
  // Not `instanceof`: the buffer may come from another realm (a vm context).
  if (Object.prototype.toString.call(inherited) === "[object SharedArrayBuffer]") {
    return new Int32Array(inherited as SharedArrayBuffer);
  }
  const buffer = new SharedArrayBuffer((HEADER + 2 * SLOTS) * Int32Array.BYTES_PER_ELEMENT);
  // Workers started from this thread from now on share it.
  setEnvironmentData(ROSTER_KEY, buffer);
  return new Int32Array(buffer);
}

const roster = sharedRoster();
let ownSlot: number | undefined;

const claimedAt = (slot: number): number => HEADER + 2 * slot;
const countAt = (slot: number): number => HEADER + 2 * slot + 1;

/**
 * This module copy's slot, claimed on first use; `undefined` if all are
 * taken (its publishers are then invisible to other threads' `ready()`).
 */
function claimSlot(): number | undefined {
  if (ownSlot !== undefined) return ownSlot;
  for (let slot = 0; slot < SLOTS; slot++) {
    if (Atomics.compareExchange(roster, claimedAt(slot), 0, 1) !== 0) continue;
    ownSlot = slot;
    // Raise the scan end to cover this slot (others may raise it concurrently).
    for (let end = Atomics.load(roster, 0); end <= slot; end = Atomics.load(roster, 0)) {
      if (Atomics.compareExchange(roster, 0, end, slot + 1) === end) break;
    }
    return slot;
  }
  return undefined;
}

/** This module copy's slot, if it claimed one. @internal */
export function currentSlot(): number | undefined {
  return ownSlot;
}

/** Adds `delta` to this module copy's publisher count. @internal */
export function countPublishers(delta: number): void {
  const slot = claimSlot();
  if (slot !== undefined) Atomics.add(roster, countAt(slot), delta);
}

/** Gives this module copy's slot back (its thread is exiting). @internal */
export function releaseSlot(): number | undefined {
  const slot = ownSlot;
  if (slot === undefined) return undefined;
  ownSlot = undefined;
  Atomics.store(roster, countAt(slot), 0);
  Atomics.store(roster, claimedAt(slot), 0);
  return slot;
}

/** Slots of the other module copies that have open publishers now. @internal */
export function otherSlotsWithPublishers(): number[] {
  const slots: number[] = [];
  const end = Atomics.load(roster, 0);
  for (let slot = 0; slot < end; slot++) {
    if (slot !== ownSlot && Atomics.load(roster, countAt(slot)) > 0) slots.push(slot);
  }
  return slots;
}
