/**
 * Commit–reveal for leaving: a member picks a random secret, publishes its
 * SHA-256 in every registry message (`leave`) and reveals the secret only in
 * its leaving message. A leaving whose secret does not hash to the commitment
 * seen is forged: in pub/sub anyone may publish any member id, but only the
 * member knows its secret.
 *
 * @internal
 */
import { LEAVE_SECRET_BYTES } from "@sunflare/wire";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** A fresh leave secret, as lowercase hex. @internal */
export function newLeaveSecret(): string {
  return hex(globalThis.crypto.getRandomValues(new Uint8Array(LEAVE_SECRET_BYTES)));
}

/** The commitment to `secret`: lowercase hex SHA-256 of its UTF-8 text. @internal */
export async function leaveCommitment(secret: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(secret));
  return hex(new Uint8Array(digest));
}

/** What `node:crypto` offers here: hashing without waiting. */
interface SyncCrypto {
  createHash(algorithm: "sha256"): { update(text: string): { digest(encoding: "hex"): string } };
}

// Node hashes at once, so a leaving is judged in arrival order, before the
// messages after it; a browser's Web Crypto only hashes asynchronously.
const syncCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.("node:crypto") as SyncCrypto | undefined;

/** What a leaving message of a known member proves; see {@link judgeLeaving}. @internal */
export type LeavingVerdict = "genuine" | "forged" | "unverified";

/**
 * Judges a leaving message of a known member and hands the verdict to
 * `then` (at once where hashing is synchronous, as in Node): `"genuine"`
 * (its secret matches the commitment), `"forged"` (a wrong secret, or none
 * for the host, which only leaves with its secret), `"unverified"` (nothing
 * to check: a version-1 peer, or a gateway leaving for a closed page; the
 * member is withdrawn and comes back with its next registry, a heartbeat
 * later).
 *
 * @internal
 */
export function judgeLeaving(
  commitment: string | undefined,
  secret: string | undefined,
  host: boolean,
  then: (verdict: LeavingVerdict) => void,
): void {
  if (commitment === undefined) return then("unverified");
  if (secret === undefined) return then(host ? "forged" : "unverified");
  const verdict = (hash: string): LeavingVerdict => (hash === commitment ? "genuine" : "forged");
  if (syncCrypto !== undefined) {
    then(verdict(syncCrypto.createHash("sha256").update(secret).digest("hex")));
  } else {
    void leaveCommitment(secret).then((hash) => then(verdict(hash)));
  }
}
