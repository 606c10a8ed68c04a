/**
 * A write-only file for the MCAP writer: writes are copied into memory and
 * go to the disk in large batches (`writev`), so the recorder's loop never
 * waits on a syscall per message. Only when more than `limit` bytes are on
 * their way to the disk does a write wait: backpressure, never a drop.
 *
 * @internal
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { IWritable } from "@mcap/core";

/** Bytes gathered before one `writev` goes out. */
const BATCH_BYTES = 4 * 1024 * 1024;
/** Bytes allowed in flight to the disk before `write` waits. */
const LIMIT_BYTES = 64 * 1024 * 1024;

/** @internal */
export class BufferedFile implements IWritable {
  readonly #handle: FileHandle;
  #position = 0n;
  #batch: Buffer[] = [];
  #batchBytes = 0;
  #inFlight = 0;
  /** The disk writes under way, one after another. */
  #flushing: Promise<void> = Promise.resolve();
  #failure: Error | undefined;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  /** Creates (or truncates) `path` for writing. */
  static async create(path: string): Promise<BufferedFile> {
    return new BufferedFile(await open(path, "w"));
  }

  /** Bytes written so far (in memory or on disk). */
  position(): bigint {
    return this.#position;
  }

  async write(buffer: Uint8Array): Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    // The MCAP writer reuses `buffer` once this resolves: keep a copy.
    this.#batch.push(Buffer.from(buffer));
    this.#batchBytes += buffer.byteLength;
    this.#position += BigInt(buffer.byteLength);
    if (this.#batchBytes >= BATCH_BYTES) this.#flush();
    if (this.#inFlight > LIMIT_BYTES) await this.#flushing;
  }

  /** Writes what is left, then closes the file. */
  async close(): Promise<void> {
    this.#flush();
    try {
      await this.#flushing;
    } finally {
      await this.#handle.close();
    }
    if (this.#failure !== undefined) throw this.#failure;
  }

  /** Hands the current batch to the disk, after the batches before it. */
  #flush(): void {
    if (this.#batch.length === 0) return;
    const batch = this.#batch;
    const bytes = this.#batchBytes;
    this.#batch = [];
    this.#batchBytes = 0;
    this.#inFlight += bytes;
    this.#flushing = this.#flushing.then(async () => {
      if (this.#failure !== undefined) return;
      try {
        await writeAll(this.#handle, batch);
      } catch (error) {
        this.#failure = error instanceof Error ? error : new Error(String(error));
      } finally {
        this.#inFlight -= bytes;
      }
    });
  }
}

/** `writev` until every byte is written (it may write fewer). */
async function writeAll(handle: FileHandle, buffers: Buffer[]): Promise<void> {
  let rest = buffers;
  while (rest.length > 0) {
    const { bytesWritten } = await handle.writev(rest);
    let written = bytesWritten;
    let index = 0;
    while (index < rest.length && written >= rest[index]!.byteLength) {
      written -= rest[index]!.byteLength;
      index++;
    }
    rest = rest.slice(index);
    if (written > 0 && rest.length > 0) rest[0] = rest[0]!.subarray(written);
  }
}
