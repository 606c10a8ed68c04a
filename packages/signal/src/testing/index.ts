export type { SpyWaitOptions } from "./signal-spy.js";
export { SignalSpy } from "./signal-spy.js";
