import { EventEmitter } from "eventemitter3";
import { ClosedError } from "@sunflare/wire";
import type { SlotHandle } from "./hooks.js";
import { connectHook, liveHook, registerHook } from "./hooks.js";
import type { Logger } from "./logger.js";
import { defaultLogger } from "./logger.js";
import type { AnySignal, ConnectOptions, SlotErrorHandler } from "./signal.js";
import type { Call, CallOptions } from "./call.js";
import { CallError, callHere, failedCall } from "./call.js";
import type { RemoteCall } from "./hooks.js";
import { callHook } from "./hooks.js";
import type { OwnerParts } from "./parts-of.js";
import { partsOf } from "./parts-of.js";
import type { AnyProperty } from "./property.js";

/**
 * The signals of each plugin, by registry name, for typed look-ups. Empty
 * here; a plugin package adds its own entry by declaration merging, and then
 * {@link SignalRegistry.signals} and {@link SignalRegistry.connect} check
 * payload types against it. Names not in the map stay untyped.
 *
 * @example
 * ```ts
 * declare module "@sunflare/signal" {
 *   interface SignalMap {
 *     Emitter: { sigSender: Signal<[number]> };
 *   }
 * }
 * registry.signals("Emitter").sigSender.connect((x) => x.toFixed()); // x: number
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface SignalMap {}

/** A slot of any payload: what {@link SlotFor} accepts for names not listed in {@link SignalMap}. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the untyped fallback must accept every slot
export type AnySlot = (...args: any[]) => unknown;

/** What {@link SignalRegistry.signals} returns for `Name`: typed when `Name` is in {@link SignalMap}. */
export type SignalsFor<Name extends string> = Name extends keyof SignalMap
  ? Readonly<SignalMap[Name]>
  : Readonly<Record<string, AnySignal>>;

/** The signal names {@link SignalRegistry.connect} accepts for `Name`. */
export type SignalNameFor<Name extends string> = Name extends keyof SignalMap
  ? keyof SignalMap[Name] & string
  : string;

/** The slot type {@link SignalRegistry.connect} accepts for signal `Key` of `Name`. */
export type SlotFor<Name extends string, Key extends string> = Name extends keyof SignalMap
  ? Key extends keyof SignalMap[Name]
    ? SignalMap[Name][Key] extends { emit(...args: infer Args): void }
      ? (...args: Args) => unknown
      : AnySlot
    : AnySlot
  : AnySlot;

/**
 * The slots of each plugin, by registry name, for typed calls: like
 * {@link SignalMap}, filled by declaration merging, each owner mapped to its
 * methods' signatures.
 *
 * @example
 * ```ts
 * declare module "@sunflare/signal" {
 *   interface SlotMap {
 *     Stage: { moveTo(x: number, y: number): AsyncGenerator<[number, number], [number, number]> };
 *   }
 * }
 * const end = await registry.call("Stage", "moveTo", [1, 2]); // [number, number]
 * ```
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface SlotMap {}

/**
 * The properties of each plugin, by registry name, for typed look-ups: like
 * {@link SignalMap}, each owner mapped to its `Property` fields.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface PropertyMap {}

/** The slot names {@link SignalRegistry.call} accepts for `Name`. */
export type SlotNameOf<Name extends string> = Name extends keyof SlotMap
  ? keyof SlotMap[Name] & string
  : string;

/** The arguments of slot `Slot` of `Name` (any, for names not in {@link SlotMap}). */
export type SlotArgs<Name extends string, Slot extends string> = Name extends keyof SlotMap
  ? Slot extends keyof SlotMap[Name]
    ? SlotMap[Name][Slot] extends (...args: infer Args) => unknown
      ? Readonly<Args>
      : readonly unknown[]
    : readonly unknown[]
  : readonly unknown[];

/** What a call of slot `Slot` of `Name` resolves with: its value, a promise's, or an async generator's `return`. */
export type SlotResult<Name extends string, Slot extends string> = Name extends keyof SlotMap
  ? Slot extends keyof SlotMap[Name]
    ? SlotMap[Name][Slot] extends (...args: never[]) => infer R
      ? R extends AsyncGenerator<unknown, infer Return>
        ? Return
        : Awaited<R>
      : unknown
    : unknown
  : unknown;

/** What {@link SignalRegistry.properties} returns for `Name`: typed when `Name` is in {@link PropertyMap}. */
export type PropertiesFor<Name extends string> = Name extends keyof PropertyMap
  ? Readonly<PropertyMap[Name]>
  : Readonly<Record<string, AnyProperty>>;

/** Options of {@link SignalRegistry}. */
export interface SignalRegistryOptions {
  /** Default: {@link defaultLogger} (console, warnings and errors only). */
  logger?: Logger;
  /**
   * Receives rejections of async slots of registered signals that have no
   * handler of their own. Default: logged at error level.
   */
  onError?: SlotErrorHandler;
}

/** Options of {@link SignalRegistry.registerSignals}. */
export interface RegisterOptions {
  /** Register only these fields (signals, properties and slots alike). */
  only?: readonly string[];
  /** Methods callable with `call`, for owners without `@slot` decorators (public `@slot` methods are found by themselves). */
  slots?: readonly string[];
  /** The registry name; default `owner.constructor.name` (pass it explicitly if you minify). */
  name?: string;
}

/** Options of {@link SignalRegistry.connect}: the {@link ConnectOptions} of the signal, plus `deferred`. */
export interface RegistryConnectOptions extends ConnectOptions {
  /**
   * When the owner or signal is not registered yet, wait, and connect the
   * moment it is; also reconnect after the owner is unregistered and
   * registered again.
   */
  deferred?: boolean;
}

/** Options of {@link SignalRegistry.unregister}. */
export interface UnregisterOptions {
  /**
   * Every connection to the removed signals waits for the name to be
   * registered again and then reconnects, as deferred ones always do
   * (default `false`: only deferred ones wait, the others are closed).
   */
  reconnect?: boolean;
}

/**
 * Events of a {@link SignalRegistry} (an eventemitter3 emitter): what a bus
 * member watches to tell other threads, processes and machines about this
 * registry.
 */
export interface RegistryEvents {
  /** `name` was registered, or gained signals; `signals` are all of its signals now. */
  registered: [name: string, owner: object, signals: ReadonlyMap<string, AnySignal>];
  /** `name` was removed (unregistered, or replaced by another owner). */
  unregistered: [name: string, owner: object];
}

/**
 * A handle on what one {@link SignalRegistry.connect} call made. `disconnect()`
 * undoes exactly that connection, and nothing else.
 */
export interface Connection {
  /** The slot is connected now. */
  readonly connected: boolean;
  /** A deferred connection still waiting for its signal to be registered. */
  readonly pending: boolean;
  /**
   * Resolves once the connection is live: at once for a signal of this
   * registry; for a deferred one, once connected; for a signal owned by
   * another member of a bus, once that owner's emissions reach this slot.
   * Read again after the connection went back to pending (its owner left),
   * it waits for the owner to come back. Rejects if the connection is
   * closed (disconnected, or never made) before it is live.
   */
  readonly ready: Promise<void>;
  /** Disconnects (or stops waiting); idempotent. */
  disconnect(): void;
}

/** One connection made through a registry, as {@link SignalRegistry.connections} lists it. */
export interface ConnectionInfo {
  /** Registry name of the owner. */
  readonly owner: string;
  /** Signal name. */
  readonly signal: string;
  /** The slot's function name, without `bound ` (`"(anonymous)"` when it has none). */
  readonly slot: string;
  /**
   * `"live"`: emissions reach the slot; `"pending"`: waiting for its signal
   * to be registered, or for the owner in another member to feed it.
   */
  readonly state: "live" | "pending";
}

interface Entry extends OwnerParts {
  readonly owner: object;
  view: Readonly<Record<string, AnySignal>> | undefined;
}

const EMPTY: Readonly<Record<string, AnySignal>> = Object.freeze({});

/** A connection made through the registry. @internal */
class RegistryConnection implements Connection {
  state: "pending" | "connected" | "closed" = "closed";
  handle: SlotHandle | undefined;
  /** The signal attached to; `live` once its readiness resolved for this attachment. */
  target: AnySignal | undefined;
  live = false;
  readonly #waiters = new Set<{ resolve(): void; reject(error: Error): void }>();

  constructor(
    readonly registry: Set<RegistryConnection>,
    readonly name: string,
    readonly signalName: string,
    readonly slot: AnySlot,
    readonly options: RegistryConnectOptions,
  ) {}

  get connected(): boolean {
    return this.state === "connected" && this.handle?.connected === true;
  }

  get pending(): boolean {
    return this.state === "pending";
  }

  get ready(): Promise<void> {
    if (this.live && this.connected) return Promise.resolve();
    if (this.state === "closed") {
      return Promise.reject(new ClosedError(`The connection to ${this.name}.${this.signalName}`));
    }
    return new Promise((resolve, reject) => this.#waiters.add({ resolve, reject }));
  }

  attach(signal: AnySignal): void {
    this.#attach(signal);
    this.target = signal;
    this.live = false;
    const readiness = signal[liveHook]();
    if (readiness === undefined) {
      this.#setLive();
      return;
    }
    readiness.then(
      () => {
        if (this.target === signal && this.state === "connected") this.#setLive();
      },
      () => undefined,
    );
  }

  #setLive(): void {
    this.live = true;
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters.clear();
  }

  #attach(signal: AnySignal): void {
    const { deferred: _deferred, ...options } = this.options;
    this.handle = signal[connectHook](this.slot, options);
    this.state = "connected";
  }

  detach(): void {
    this.handle?.disconnect();
    this.handle = undefined;
    this.target = undefined;
    this.live = false;
  }

  disconnect(): void {
    if (this.state === "connected") this.detach();
    this.close();
  }

  /** Marks it closed; whoever waits on {@link ready} learns it will not be live. */
  close(): void {
    this.state = "closed";
    this.registry.delete(this);
    if (this.#waiters.size === 0) return;
    const error = new ClosedError(`The connection to ${this.name}.${this.signalName}`);
    for (const waiter of this.#waiters) waiter.reject(error);
    this.#waiters.clear();
  }
}

/**
 * Signals of independently written plugins, by plugin name. A plugin registers
 * its signals; another looks them up, or connects to them, by name, without
 * importing the first.
 *
 * Missing names never throw: {@link SignalRegistry.signals} logs an error and
 * returns an empty record, {@link SignalRegistry.connect} logs a warning (or,
 * with `deferred`, waits for the registration).
 *
 * @example
 * ```ts
 * const registry = new SignalRegistry();
 * const emitter = new Emitter(); // has sigSender = new Signal<[number]>()
 * registry.registerSignals(emitter);
 * registry.connect("Emitter", "sigSender", (x) => console.log(x));
 * emitter.sigSender.emit(10); // 10
 * ```
 */
export class SignalRegistry extends EventEmitter<RegistryEvents> {
  readonly #entries = new Map<string, Entry>();
  readonly #connections = new Set<RegistryConnection>();
  /** The names each owner object is registered under: unregistering by object costs its names, not the registry. */
  readonly #namesOf = new Map<object, Set<string>>();
  readonly #logger: Logger;
  readonly #onError: SlotErrorHandler;

  /** @param options see {@link SignalRegistryOptions} */
  constructor(options: SignalRegistryOptions = {}) {
    super();
    const logger = options.logger ?? defaultLogger;
    this.#logger = logger;
    this.#onError =
      options.onError ??
      ((error, { signal }) => {
        logger.error(
          `An async slot of ${signal.owner ?? "?"}.${signal.name ?? "?"} rejected.`,
          error,
        );
      });
  }

  /**
   * Registers every {@link Signal} field of `owner` (see {@link signalsOf})
   * under `options.name ?? owner.constructor.name`. Registering the same name
   * again with the same owner adds signals; with a different owner it warns
   * and the new owner replaces the old one. Deferred connections waiting for
   * these signals connect now.
   *
   * @throws TypeError when `owner` is not an object or has no usable name
   */
  registerSignals(owner: object, options: RegisterOptions = {}): void {
    if ((typeof owner !== "object" && typeof owner !== "function") || owner === null) {
      throw new TypeError(
        `registerSignals needs an object, got ${owner === null ? "null" : typeof owner}.`,
      );
    }
    const name = options.name ?? (owner.constructor as { name?: unknown } | undefined)?.name;
    if (typeof name !== "string" || name === "") {
      throw new TypeError("registerSignals cannot name this owner; pass options.name.");
    }
    const found = partsOf(owner, options, (message) =>
      this.#logger.warn(`Class ${name} ${message}`),
    );
    let entry = this.#entries.get(name);
    if (entry !== undefined && entry.owner !== owner) {
      this.#logger.warn(
        `Class ${name} registered again by a different instance; the new one replaces it.`,
      );
      this.#remove(name, entry);
      entry = undefined;
    }
    if (entry === undefined) {
      entry = {
        owner,
        signals: new Map(),
        properties: new Map(),
        slots: new Map(),
        view: undefined,
      };
      this.#entries.set(name, entry);
      let names = this.#namesOf.get(owner);
      if (names === undefined) this.#namesOf.set(owner, (names = new Set<string>()));
      names.add(name);
    }
    for (const [key, signal] of found.signals) {
      entry.signals.set(key, signal);
      signal[registerHook](name, key, this.#onError);
    }
    for (const [key, property] of found.properties) {
      entry.properties.set(key, property);
      property.named?.(name, key);
    }
    for (const [key, slot] of found.slots) entry.slots.set(key, slot);
    entry.view = undefined;
    this.#logger.debug(
      `Registered ${found.signals.size} signal(s), ${found.properties.size} propert(ies) and ${found.slots.size} slot(s) of ${name}.`,
    );
    for (const connection of [...this.#connections]) {
      // Forget connections undone behind the registry's back (once, disconnect, disconnectReceiver).
      if (connection.state === "connected" && !connection.connected) connection.close();
      if (connection.pending && connection.name === name) {
        const signal = entry.signals.get(connection.signalName);
        if (signal !== undefined) this.#attach(connection, signal);
      }
    }
    this.emit("registered", name, owner, entry.signals);
  }

  /**
   * Removes an owner's signals, by registry name or by owner instance, and
   * disconnects every connection made to them through this registry (deferred
   * ones go back to waiting for the name to be registered again).
   *
   * With `reconnect`, every connection to them waits instead.
   *
   * @returns whether anything was registered
   */
  unregister(nameOrOwner: string | object, options: UnregisterOptions = {}): boolean {
    const names =
      typeof nameOrOwner === "string" ? [nameOrOwner] : [...(this.#namesOf.get(nameOrOwner) ?? [])];
    let removed = false;
    for (const name of names) {
      const entry = this.#entries.get(name);
      if (entry === undefined) continue;
      this.#remove(name, entry, options.reconnect === true);
      removed = true;
    }
    return removed;
  }

  /**
   * The signals registered under `name`, as a frozen record. An unknown name
   * logs `Class NAME not found in the registry.` at error level and returns an
   * empty frozen record. Typed when `name` is in {@link SignalMap}.
   */
  signals<const Name extends string>(name: Name): SignalsFor<Name> {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      this.#logger.error(`Class ${name} not found in the registry.`);
      return EMPTY as SignalsFor<Name>;
    }
    entry.view ??= Object.freeze(Object.fromEntries(entry.signals));
    return entry.view as SignalsFor<Name>;
  }

  /**
   * The properties registered under `name`, as a frozen record (empty, with
   * an error logged, for an unknown name). Typed when `name` is in {@link PropertyMap}.
   */
  properties<const Name extends string>(name: Name): PropertiesFor<Name> {
    const entry = this.#entries.get(name);
    if (entry === undefined) {
      this.#logger.error(`Class ${name} not found in the registry.`);
      return EMPTY as PropertiesFor<Name>;
    }
    return Object.freeze(Object.fromEntries(entry.properties)) as PropertiesFor<Name>;
  }

  /** The slots registered under `name` (callable with {@link call}); empty for an unknown name. */
  slots(name: string): string[] {
    return [...(this.#entries.get(name)?.slots.keys() ?? [])];
  }

  /**
   * Calls slot `slot` of owner `owner`, wherever it lives: here the method
   * runs directly, elsewhere the call travels like an emission, in order
   * with them. Resolves with the slot's result (a value, a promise's, or an
   * async generator's `return`; each `yield` goes to `call.progress`).
   * Every failure rejects with a {@link CallError}: an unknown owner or slot
   * at once (`"unknown"`), the slot threw (`"remote"`), the deadline
   * (`"timeout"`, default 30 s), `cancel()` or the `AbortSignal`
   * (`"aborted"`), the owner's member gone (`"gone"`), or arguments or
   * result the codec cannot carry (`"encode"`). Typed through {@link SlotMap}.
   *
   * @example
   * ```ts
   * const move = registry.call("Stage", "moveTo", [100, 200], { timeoutMs: 5000 });
   * move.progress.connect((at) => console.log("at", at));
   * console.log(await move); // where it ended
   * ```
   */
  call<const Name extends string, const Slot extends string>(
    owner: Name,
    slot: Slot & SlotNameOf<Name>,
    args: SlotArgs<Name, Slot> = [] as unknown as SlotArgs<Name, Slot>,
    options: CallOptions = {},
  ): Call<SlotResult<Name, Slot>> {
    const entry = this.#entries.get(owner);
    const remote = (entry?.owner as Partial<Record<typeof callHook, RemoteCall>> | undefined)?.[
      callHook
    ];
    if (entry !== undefined && remote !== undefined && entry.slots.has(slot)) {
      return remote(slot, args, options) as Call<SlotResult<Name, Slot>>;
    }
    const method = entry?.slots.get(slot);
    if (entry === undefined || method === undefined || remote !== undefined) {
      const message =
        entry === undefined
          ? `Class ${owner} not found in the registry; ${slot} not called.`
          : `Class ${owner} has no slot ${slot}; not called.`;
      return failedCall(new CallError("unknown", owner, slot, message));
    }
    return callHere(
      owner,
      slot,
      () => method.apply(entry.owner, [...(args as readonly unknown[])]),
      options,
    );
  }

  /**
   * Runs slot `slot` of the owner registered here as `owner` with `args` and
   * returns what it returned, for a call from another member.
   *
   * @throws CallError (code `"unknown"`) when there is no such owner or slot here; whatever the slot throws
   * @internal
   */
  invoke(owner: string, slot: string, args: unknown[]): unknown {
    const entry = this.#entries.get(owner);
    const method = entry?.slots.get(slot);
    if (method === undefined) {
      throw new CallError(
        "unknown",
        owner,
        slot,
        `Class ${owner} has no slot ${slot}; not called.`,
      );
    }
    return method.apply(entry!.owner, args);
  }

  /**
   * Asks property `property` of `owner` to take `value`, for a set from
   * another member: resolves with the value it accepted.
   *
   * @throws CallError (code `"unknown"`) when there is no such owner or property
   * @internal
   */
  setProperty(owner: string, property: string, value: unknown): Promise<unknown> {
    const found = this.#entries.get(owner)?.properties.get(property);
    if (found === undefined) {
      throw new CallError(
        "unknown",
        owner,
        property,
        `Class ${owner} has no property ${property}.`,
      );
    }
    return found.set(value);
  }

  /** Whether anything is registered under `name`. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }

  /**
   * Connects `slot` to signal `signal` of owner `name`. Never throws for a
   * missing owner or signal: it logs a warning and returns a handle that is
   * not connected, or, with `deferred: true`, a pending handle that connects
   * the moment the signal is registered.
   *
   * @throws TypeError when `slot` is not a function
   * @example
   * ```ts
   * const connection = registry.connect("Emitter", "sigSender", onValue, { deferred: true });
   * connection.pending; // true until Emitter registers
   * connection.disconnect();
   * ```
   */
  connect<const Name extends string, const Key extends string>(
    name: Name,
    signal: Key & SignalNameFor<Name>,
    slot: SlotFor<Name, Key>,
    options: RegistryConnectOptions = {},
  ): Connection {
    if (typeof slot !== "function") {
      throw new TypeError(
        `A slot must be a function, got ${slot === null ? "null" : typeof slot}.`,
      );
    }
    const connection = new RegistryConnection(this.#connections, name, signal, slot, options);
    const entry = this.#entries.get(name);
    const target = entry?.signals.get(signal);
    if (target !== undefined) {
      this.#connections.add(connection);
      this.#attach(connection, target);
    } else if (options.deferred === true) {
      connection.state = "pending";
      this.#connections.add(connection);
      this.#logger.debug(`Waiting for ${name}.${signal} to be registered.`);
    } else if (entry === undefined) {
      this.#logger.warn(`Class ${name} not found in the registry; ${signal} not connected.`);
    } else {
      this.#logger.warn(`Signal ${signal} not found in class ${name}; not connected.`);
    }
    return connection;
  }

  #attach(connection: RegistryConnection, signal: AnySignal): void {
    try {
      connection.attach(signal);
    } catch (error) {
      // A deferred connection fails inside someone else's registerSignals; do not crash it.
      connection.close();
      this.#logger.error(
        `Connecting to ${connection.name}.${connection.signalName} failed.`,
        error,
      );
    }
  }

  #remove(name: string, entry: Entry, reconnect = false): void {
    this.#entries.delete(name);
    const names = this.#namesOf.get(entry.owner);
    names?.delete(name);
    if (names?.size === 0) this.#namesOf.delete(entry.owner);
    for (const connection of [...this.#connections]) {
      if (connection.name !== name || connection.state !== "connected") continue;
      connection.detach();
      if (reconnect || connection.options.deferred === true) connection.state = "pending";
      else connection.close();
    }
    for (const signal of entry.signals.values())
      signal[registerHook](undefined, undefined, undefined);
    this.emit("unregistered", name, entry.owner);
  }

  /**
   * Resolves once every connection that is connected now is live (see
   * {@link Connection.ready}); connections still waiting for their signal's
   * registration are not waited for.
   */
  async whenLive(): Promise<void> {
    const connected = [...this.#connections].filter((connection) => connection.connected);
    await Promise.all(connected.map((connection) => connection.ready.catch(() => undefined)));
  }

  /**
   * Ends every connection that waits (for its signal to be registered, or
   * to go live): its `ready` rejects with a `ClosedError`. For a bus member
   * that closed: what they wait for will not come.
   */
  closeWaiting(): void {
    for (const connection of [...this.#connections]) {
      if (connection.state === "closed" || (connection.connected && connection.live)) continue;
      connection.disconnect();
    }
  }

  /** Every connection made through this registry that is live or waiting, in connection order. */
  connections(): ConnectionInfo[] {
    const infos: ConnectionInfo[] = [];
    for (const connection of this.#connections) {
      if (connection.state === "connected" && !connection.connected) continue;
      if (connection.state === "closed") continue;
      infos.push({
        owner: connection.name,
        signal: connection.signalName,
        // A method bound by @slot is named "bound move": its own name says more.
        slot: connection.slot.name.replace(/^(bound )+/, "") || "(anonymous)",
        state: connection.state === "connected" && connection.live ? "live" : "pending",
      });
    }
    return infos;
  }
}
