import type { Logger } from "@sunflare/wire";
import type { SignalRegistry } from "../registry.js";
import type { BusLink, WireCodec } from "./link.js";
import type { Outbox } from "./outbox.js";
import type { Peers } from "./peers.js";

/** What the units of one bus member share. @internal */
export interface MemberContext {
  readonly id: string;
  readonly registry: SignalRegistry;
  /** Emissions go straight to the link: the hot path takes no detour. */
  readonly link: BusLink;
  readonly codec: WireCodec;
  readonly logger: Logger;
  readonly outbox: Outbox;
  readonly peers: Peers;
  /** What this member registers, listens to or feeds changed: its registry is due. */
  announce(): void;
  /** Tells every member these values of this member's properties (once it is on the bus). */
  publishValues(values: Record<string, Record<string, unknown>>): void;
}
