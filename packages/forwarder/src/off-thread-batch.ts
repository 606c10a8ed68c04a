/**
 * Splits a batch from the receiving worker (`worker/receive.js`) into its
 * messages: per message a little-endian u32 frame count, then per frame a
 * u32 length, padding to a multiple of 8, and the bytes. The frames are
 * views of the one transferred buffer: nothing is copied, and a frame's
 * bytes start 8-byte aligned, so typed arrays can view them in place.
 *
 * @internal
 */
export function unpackBatch(buffer: ArrayBuffer, count: number): Buffer[][] {
  const view = new DataView(buffer);
  const messages = new Array<Buffer[]>(count);
  let offset = 0;
  for (let message = 0; message < count; message++) {
    const frameCount = view.getUint32(offset, true);
    offset += 4;
    const frames = new Array<Buffer>(frameCount);
    for (let frame = 0; frame < frameCount; frame++) {
      const length = view.getUint32(offset, true);
      offset = alignUp(offset + 4);
      frames[frame] = Buffer.from(buffer, offset, length);
      offset += length;
    }
    messages[message] = frames;
  }
  return messages;
}

/** The next multiple of 8. @internal */
function alignUp(offset: number): number {
  return (offset + 7) & ~7;
}
