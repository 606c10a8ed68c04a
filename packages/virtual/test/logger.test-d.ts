// Type-level tests (type-checked by tsc, never run).
import type { Logger as ForwarderLogger } from "@sunflare/forwarder";
import type { Logger as SignalLogger } from "@sunflare/signal";

// One Logger for the whole bus. @sunflare/signal and @sunflare/forwarder may
// not depend on each other, so each declares it; here, where they meet, the
// two declarations must stay one type: a change to either fails this file.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export const oneLogger: Same<ForwarderLogger, SignalLogger> = true;
// @ts-expect-error a logger without `error` is not a Logger
export const partial: Same<Omit<SignalLogger, "error">, SignalLogger> = true;
