/**
 * This member's own owners, and for each of their signals the members it
 * publishes emissions for: the only writer of both. A signal nobody else
 * listens to has no relay, so its emissions cost nothing extra; one that
 * has listeners encodes each emission once and publishes it in the forms its
 * listeners read (version 2, and version 1 while a version-1 peer listens).
 *
 * @internal
 */
import { emissionTopic } from "@sunflare/wire";
import type { AnyProperty } from "../property.js";
import type { AnySignal } from "../signal.js";
import { relayHook } from "../hooks.js";
import type { MemberContext } from "./context.js";
import { listensTo } from "./peers.js";
import type { OwnerSignals } from "./protocol.js";
import { everySender, fromSender } from "./protocol.js";

interface OwnSignal {
  readonly signal: AnySignal;
  /** The version-1 emission topic. */
  readonly topic: string;
  /** The members it publishes for, sorted (what the registry's `feeds` says). */
  members: string[];
  /** What its relay publishes, as `"<v2><v1>"` flags: whether it changed. */
  forms: string;
}

/** Own owners' slots and properties, and what stops watching the properties. */
interface OwnExtras {
  readonly slots: string[];
  readonly properties: Readonly<Record<string, AnyProperty>>;
  readonly unwatch: (() => void)[];
}

/** @internal */
export class Feeds {
  readonly #context: MemberContext;
  /** Own owners: their signals by name. */
  readonly #owners = new Map<string, Map<string, OwnSignal>>();
  readonly #extras = new Map<string, OwnExtras>();

  constructor(context: MemberContext) {
    this.#context = context;
  }

  has(owner: string): boolean {
    return this.#owners.has(owner);
  }

  /** The local signal `owner.signal`, for an emission another member made on its stand-in. */
  get(owner: string, signal: string): AnySignal | undefined {
    return this.#owners.get(owner)?.get(signal)?.signal;
  }

  names(): string[] {
    return [...this.#owners.keys()];
  }

  /** Own owners and their signal names, for the registry. */
  owners(): OwnerSignals {
    const owners: OwnerSignals = {};
    for (const [name, signals] of this.#owners) owners[name] = [...signals.keys()];
    return owners;
  }

  /** Own owners' slots, for the registry (owners without any left out). */
  slots(): OwnerSignals {
    const slots: OwnerSignals = {};
    for (const [name, extras] of this.#extras)
      if (extras.slots.length > 0) slots[name] = extras.slots;
    return slots;
  }

  /** Own owners' property names, for the registry (owners without any left out). */
  properties(): OwnerSignals {
    const names: OwnerSignals = {};
    for (const [name, extras] of this.#extras) {
      const keys = Object.keys(extras.properties);
      if (keys.length > 0) names[name] = keys;
    }
    return names;
  }

  /** The current values of own owners' properties, for a values message. */
  values(): Record<string, Record<string, unknown>> {
    const values: Record<string, Record<string, unknown>> = {};
    for (const [name, extras] of this.#extras) {
      const current = valuesOf(extras.properties);
      if (current !== undefined) values[name] = current;
    }
    return values;
  }

  /** `feeds` of the registry: for each signal with listeners elsewhere, who they are. */
  feeds(): Record<string, Record<string, string[]>> {
    const feeds: Record<string, Record<string, string[]>> = {};
    for (const [name, signals] of this.#owners) {
      for (const [key, own] of signals)
        if (own.members.length > 0) (feeds[name] ??= {})[key] = own.members;
    }
    return feeds;
  }

  /** Takes `name`'s signals as this member's (registered, or gained signals). */
  adopt(name: string, signals: ReadonlyMap<string, AnySignal>): void {
    const known = this.#owners.get(name);
    const own = new Map<string, OwnSignal>();
    for (const [key, signal] of signals) {
      const topic = emissionTopic(name, key);
      own.set(key, known?.get(key) ?? { signal, topic, members: [], forms: "" });
      // Stand-ins elsewhere emit on it: their emissions come here.
      this.#context.outbox.subscribeLater(everySender(topic), () => this.update());
    }
    this.#owners.set(name, own);
    this.#watch(name);
    this.update();
    this.#context.announce();
  }

  /** Follows `name`'s properties: each change goes to every member; all of them now, if new. */
  #watch(name: string): void {
    this.#extras.get(name)?.unwatch.forEach((stop) => stop());
    const { registry, publishValues } = this.#context;
    const properties = registry.properties(name);
    const extras: OwnExtras = { slots: registry.slots(name), properties, unwatch: [] };
    for (const [key, property] of Object.entries(properties)) {
      const send = (value: unknown): void => publishValues({ [name]: { [key]: value } });
      property.changed.connect(send);
      extras.unwatch.push(() => property.changed.disconnect(send));
    }
    this.#extras.set(name, extras);
    const values = valuesOf(properties);
    if (values !== undefined) publishValues({ [name]: values });
  }

  /** `name` is no longer this member's. */
  drop(name: string): void {
    const signals = this.#owners.get(name);
    if (signals === undefined) return;
    this.#owners.delete(name);
    this.#extras.get(name)?.unwatch.forEach((stop) => stop());
    this.#extras.delete(name);
    for (const own of signals.values()) {
      own.signal[relayHook](undefined);
      this.#context.outbox.unsubscribe(everySender(own.topic));
    }
    this.#context.announce();
  }

  /** Stops forwarding every signal: the member closes. */
  close(): void {
    for (const signals of this.#owners.values())
      for (const own of signals.values()) own.signal[relayHook](undefined);
    for (const extras of this.#extras.values()) extras.unwatch.forEach((stop) => stop());
  }

  /** Recomputes who each signal publishes for, from what the other members listen to. */
  update(): void {
    const peers = [...this.#context.peers.all()];
    let changed = false;
    for (const [name, signals] of this.#owners) {
      for (const [key, own] of signals) {
        const members: string[] = [];
        let v1 = false;
        let v2 = false;
        // Published only once its own subscription is in place, so a listener that
        // is fed can also reach the owner through its stand-in.
        if (this.#context.outbox.isReady(everySender(own.topic))) {
          for (const peer of peers) {
            if (!listensTo(peer, name, key)) continue;
            members.push(peer.id);
            if (peer.version < 2) v1 = true;
            else v2 = true;
          }
        }
        members.sort();
        if (members.join("\n") !== own.members.join("\n")) {
          own.members = members;
          changed = true;
        }
        const forms = `${v2 ? 1 : 0}${v1 ? 1 : 0}`;
        if (forms === own.forms) continue;
        own.forms = forms;
        own.signal[relayHook](members.length === 0 ? undefined : this.#relay(own.topic, v2, v1));
      }
    }
    if (changed) this.#context.announce();
  }

  /** What a signal runs after its local slots: encode (throwing here if it cannot), then publish. */
  #relay(topic: string, v2: boolean, v1: boolean): (args: unknown[]) => void {
    const { link, codec, outbox } = this.#context;
    const mine = fromSender(topic, this.#context.id);
    return (args) => {
      const body = codec.encode(args);
      if (v2) link.send(mine, body).catch(outbox.report);
      if (v1) link.send(topic, body).catch(outbox.report);
    };
  }
}

/** The current values of `properties`, by name; `undefined` when there are none. */
function valuesOf(
  properties: Readonly<Record<string, AnyProperty>>,
): Record<string, unknown> | undefined {
  const entries = Object.entries(properties);
  if (entries.length === 0) return undefined;
  return Object.fromEntries(entries.map(([key, property]) => [key, property.value as unknown]));
}
