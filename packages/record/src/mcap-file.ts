/**
 * Opens a recording for reading with `@mcap/core`'s indexed reader, and
 * turns what can be wrong with a file (missing, not MCAP, truncated, not
 * indexed) into a `SunflareError` that says which file and what is wrong.
 *
 * @internal
 */
import type { FileHandle } from "node:fs/promises";
import { open } from "node:fs/promises";
import type { IReadable } from "@mcap/core";
import { McapIndexedReader, MCAP_MAGIC } from "@mcap/core";
import { SunflareError } from "@sunflare/wire";

/** An open recording: its indexed reader, and what closes the file. @internal */
export interface OpenRecording {
  readonly reader: McapIndexedReader;
  close(): Promise<void>;
}

/**
 * Opens `path` and reads its summary (channels, statistics, chunk indexes).
 *
 * @throws SunflareError `"malformed"` when the file is not MCAP, is truncated, or has no index; `"refused"` when it cannot be opened
 */
export async function openRecording(path: string): Promise<OpenRecording> {
  let handle: FileHandle;
  try {
    handle = await open(path, "r");
  } catch (error) {
    throw new SunflareError("refused", `Cannot open the recording ${path}: ${String(error)}`, {
      cause: error,
    });
  }
  try {
    const readable = readableOf(handle);
    const size = await readable.size();
    await checkMagic(path, readable, size);
    let reader: McapIndexedReader;
    try {
      reader = await McapIndexedReader.Initialize({ readable });
    } catch (error) {
      throw new SunflareError(
        "malformed",
        `${path} is an MCAP file but cannot be read (${(error as Error).message}): it is likely truncated (a recording whose recorder did not stop, or a partial copy).`,
        { cause: error },
      );
    }
    if (reader.chunkIndexes.length === 0 && (reader.statistics?.messageCount ?? 0n) > 0n) {
      throw new SunflareError(
        "malformed",
        `${path} is an MCAP file without chunk indexes; record it with @sunflare/record, or index it with \`mcap recover\`.`,
      );
    }
    return { reader, close: () => handle.close() };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

/** MCAP's magic at both ends: a foreign file fails at its start, a truncated one at its end. */
async function checkMagic(path: string, readable: IReadable, size: bigint): Promise<void> {
  const length = BigInt(MCAP_MAGIC.length);
  if (size < length || !sameBytes(await readable.read(0n, length), MCAP_MAGIC)) {
    const head = size === 0n ? new Uint8Array() : await readable.read(0n, size < 8n ? size : 8n);
    throw new SunflareError(
      "malformed",
      `${path} is not an MCAP recording: ${size === 0n ? "it is empty" : `it starts with ${describe(head)}, not the MCAP magic`}.`,
    );
  }
  if (size < 2n * length || !sameBytes(await readable.read(size - length, length), MCAP_MAGIC)) {
    throw new SunflareError(
      "malformed",
      `${path} is a truncated MCAP recording (${size} bytes, no closing magic): its recorder did not stop, or the copy is partial.`,
    );
  }
}

function readableOf(handle: FileHandle): IReadable {
  return {
    async size() {
      return BigInt((await handle.stat()).size);
    },
    async read(offset, size) {
      if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`read of ${size} bytes`);
      const buffer = new Uint8Array(Number(size));
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(
          buffer,
          done,
          buffer.length - done,
          Number(offset) + done,
        );
        if (bytesRead === 0) throw new Error(`end of file at ${Number(offset) + done}`);
        done += bytesRead;
      }
      return buffer;
    },
  };
}

function sameBytes(a: Uint8Array, b: readonly number[]): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}

/** The first bytes of a file, readable: `"\x89PNG\r\n\x1a\n"`. */
function describe(head: Uint8Array): string {
  const text = [...head]
    .map((byte) =>
      byte >= 0x20 && byte < 0x7f
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, "0")}`,
    )
    .join("");
  return JSON.stringify(text);
}
