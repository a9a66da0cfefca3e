/**
 * BGZF (blocked gzip, SAM/BAM specification section 4.1) encoding: a series of gzip members
 * of at most 64 KiB of input each, with a `BC` extra field holding the member's size, ended by
 * the standard empty EOF block. Any gzip reader reads it; tabix and htslib can index it.
 */
import { deflateRawSync, crc32 } from 'node:zlib';

/** Input bytes per block: below 64 KiB so even incompressible data fits one block. */
const BLOCK_INPUT = 0xff00;

/** The 28-byte empty block that ends every BGZF file. */
export const BGZF_EOF = Uint8Array.from([
  0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0, 0x1b, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0,
]);

/** One BGZF block holding `data` (at most 65,280 bytes). */
export function bgzfBlock(data: Uint8Array): Uint8Array {
  if (data.length > BLOCK_INPUT) throw new RangeError(`a BGZF block holds at most ${BLOCK_INPUT} bytes, got ${data.length}`);
  const deflated = deflateRawSync(data, { level: 6 });
  const size = 18 + deflated.length + 8;
  const block = Buffer.alloc(size);
  block.set([0x1f, 0x8b, 0x08, 0x04, 0, 0, 0, 0, 0, 0xff, 0x06, 0, 0x42, 0x43, 0x02, 0], 0);
  block.writeUInt16LE(size - 1, 16);
  block.set(deflated, 18);
  block.writeUInt32LE(crc32(data) >>> 0, size - 8);
  block.writeUInt32LE(data.length, size - 4);
  return block;
}

/** Streams bytes into BGZF blocks: `push` returns whole blocks, `finish` the rest and EOF. */
export class BgzfEncoder {
  private buffered: Uint8Array[] = [];
  private bufferedLength = 0;

  push(bytes: Uint8Array): Uint8Array {
    this.buffered.push(bytes);
    this.bufferedLength += bytes.length;
    if (this.bufferedLength < BLOCK_INPUT) return new Uint8Array(0);
    const all = Buffer.concat(this.buffered);
    const whole = all.length - (all.length % BLOCK_INPUT);
    const blocks: Uint8Array[] = [];
    for (let i = 0; i < whole; i += BLOCK_INPUT) blocks.push(bgzfBlock(all.subarray(i, i + BLOCK_INPUT)));
    this.buffered = whole < all.length ? [all.subarray(whole)] : [];
    this.bufferedLength = all.length - whole;
    return Buffer.concat(blocks);
  }

  finish(): Uint8Array {
    const rest = Buffer.concat(this.buffered);
    this.buffered = [];
    this.bufferedLength = 0;
    return Buffer.concat(rest.length > 0 ? [bgzfBlock(rest), BGZF_EOF] : [BGZF_EOF]);
  }
}
