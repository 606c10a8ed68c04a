import { CallError } from "../src/index.js";

/** Marks `fn` as `@sunflare/slot` marks a slot (this package does not depend on that one). */
export function slot<F extends (...args: never[]) => unknown>(fn: F): F {
  Object.defineProperty(fn, Symbol.for("@sunflare/slot"), { value: { private: false } });
  return fn;
}

/** The `CallError` `promise` rejects with; fails the test if it resolves or rejects with anything else. */
export async function failure(promise: Promise<unknown>): Promise<CallError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(CallError);
    return error as CallError;
  }
  throw new Error("the call resolved");
}
