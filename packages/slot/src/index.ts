export type { Method, SlotDecorator, SlotOptions } from "./slot.js";
export { isPrivateSlot, isSlot, slot, slotsOf } from "./slot.js";
