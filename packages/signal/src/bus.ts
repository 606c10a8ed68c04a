/**
 * What every bus object offers a plugin, wherever it runs: the registry and
 * membership API that `VirtualBus` (Node: a host, or a member that joined
 * one) and `WebBus` (a browser page) share, with one copy of its docs.
 */
import type { BusMember, MemberInfo } from "./member/member.js";
import type { Call, CallOptions } from "./call.js";
import type {
  Connection,
  PropertiesFor,
  SlotArgs,
  SlotNameOf,
  SlotResult,
  RegisterOptions,
  RegistryConnectOptions,
  SignalNameFor,
  SignalRegistry,
  SignalsFor,
  SlotFor,
} from "./registry.js";

/** One connection made through a bus, as {@link SignalBus.wiring} lists it. */
export interface WiringEntry {
  /** Registry name of the signal's owner. */
  readonly owner: string;
  /** Signal name. */
  readonly signal: string;
  /** The slot's function name. */
  readonly slot: string;
  /** Connected now, or waiting for its owner (to register, or to come back). */
  readonly state: "live" | "pending";
  /** Whether the owner lives in another member (thread, process, machine, page). */
  readonly remote: boolean;
}

/** An owner as {@link SignalBus.owners} lists it. */
export interface OwnerInfo {
  /** Its registry name. */
  readonly owner: string;
  /** The member it lives in. */
  readonly member: string;
  /** Its signals' names. */
  readonly signals: string[];
  /** Its slots' names (callable with `call`). */
  readonly slots: string[];
  /** Its properties, with their current values. */
  readonly properties: Readonly<Record<string, unknown>>;
}

/**
 * The registry and membership API of a bus: signals registered, looked up
 * and connected by name, for owners here or in any other member of the bus.
 * `VirtualBus` and `WebBus` extend it.
 */
export abstract class SignalBus {
  /** The signal registry behind {@link registerSignals}, {@link signals} and {@link connect}. */
  readonly registry: SignalRegistry;
  /**
   * This bus's part of the bus-wide registry: its events say which members
   * join and leave (`joined`, `left`), and when this member closed because
   * the host is gone (`closed`). It starts when the bus opens to other
   * members: a host's `ready()`, `VirtualBus.join`, `connectWeb`.
   */
  readonly membership: BusMember;

  /**
   * @param registry the registry this bus's plugins share
   * @param membership the member that makes `registry` part of the bus
   */
  protected constructor(registry: SignalRegistry, membership: BusMember) {
    this.registry = registry;
    this.membership = membership;
  }

  /** This member's id, unique on the bus. */
  get member(): string {
    return this.membership.id;
  }

  /**
   * Registers the `Signal` fields of `owner` under
   * `options.name ?? owner.constructor.name`, for every member of the bus.
   * Give `name` where a bundler may minify class names. See
   * `SignalRegistry.registerSignals`.
   */
  registerSignals(owner: object, options?: RegisterOptions): void {
    this.registry.registerSignals(owner, options);
  }

  /**
   * The signals registered under `name`, here or by another member (then
   * stand-ins: `connect` receives the owner's emissions, `emit` reaches the
   * owner's and every member's slots); an unknown name logs an error and
   * returns an empty, frozen record. Typed through `SignalMap`.
   */
  signals<const Name extends string>(name: Name): SignalsFor<Name> {
    return this.registry.signals(name);
  }

  /** Whether anything is registered under `name`, here or by another member. */
  has(name: string): boolean {
    return this.registry.has(name);
  }

  /** The registered names, here and by other members. */
  names(): string[] {
    return this.registry.names();
  }

  /**
   * Connects `slot` to signal `signal` of `name`, wherever it is owned.
   * Never throws for a missing owner or signal: it logs a warning, or with
   * `deferred: true` connects as soon as the signal is registered by any
   * member. `connection.ready` resolves once emissions reach the slot.
   */
  connect<const Name extends string, const Key extends string>(
    name: Name,
    signal: Key & SignalNameFor<Name>,
    slot: SlotFor<Name, Key>,
    options?: RegistryConnectOptions,
  ): Connection {
    return this.registry.connect(name, signal, slot, options);
  }

  /**
   * Calls slot `slot` of owner `owner`, wherever it lives (a thread, a
   * process, a machine, a page, a peer in another language): a `Call`, the
   * promise of its result with `progress` and `cancel()`. Every failure is a
   * `CallError` with a `code`; see `SignalRegistry.call`.
   */
  call<const Name extends string, const Slot extends string>(
    owner: Name,
    slot: Slot & SlotNameOf<Name>,
    args?: SlotArgs<Name, Slot>,
    options?: CallOptions,
  ): Call<SlotResult<Name, Slot>> {
    return this.registry.call(owner, slot, args, options);
  }

  /**
   * The properties registered under `owner`, here or by another member:
   * `value` is the owner's current value everywhere, `set` asks the owner,
   * `changed` emits every accepted change. Typed through `PropertyMap`.
   */
  properties<const Name extends string>(owner: Name): PropertiesFor<Name> {
    return this.registry.properties(owner);
  }

  /**
   * Every owner registered on the bus, with where it lives and what it
   * offers: its signals, its slots, and its properties with their values.
   */
  owners(): OwnerInfo[] {
    const memberOf = new Map<string, string>();
    for (const info of this.members())
      for (const owner of info.owners) memberOf.set(owner, info.member);
    return this.registry.names().map((owner) => ({
      owner,
      member: memberOf.get(owner) ?? this.member,
      signals: Object.keys(this.registry.signals(owner)),
      slots: this.registry.slots(owner),
      properties: Object.fromEntries(
        Object.entries(this.registry.properties(owner)).map(([name, property]) => [
          name,
          property.value as unknown,
        ]),
      ),
    }));
  }

  /** Live members of the bus, this one first, and the owners each registered. */
  members(): MemberInfo[] {
    return this.membership.members();
  }

  /** Every connection made through this bus: both ends, live or pending. */
  wiring(): WiringEntry[] {
    return this.registry
      .connections()
      .map((info) => ({ ...info, remote: this.membership.isRemote(info.owner) }));
  }
}
