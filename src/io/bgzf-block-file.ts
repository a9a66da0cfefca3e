/**
 * A BGZF file opened for the GMOD block readers (bgzip FASTA, tabix VCF), whose reads are checked block by block
 * before they are inflated: every whole block in a read must have the BGZF header (gzip magic,
 * FEXTRA with the `BC` subfield, SAM spec section 4.1) and an uncompressed size of at most
 * 64 KiB. A damaged block is a `FormatError` naming the file and the byte; unchecked, the
 * inflater behind @gmod/bgzf-filehandle can spend tens of seconds on one.
 */
import { FormatError } from '../core/errors.js';
import { OpenFile } from './open-file.js';

const MAX_BLOCK_OUTPUT = 65536;

export class BgzfBlockFile extends OpenFile {
  override async read(length: number, position = 0): Promise<Uint8Array<ArrayBuffer>> {
    const bytes = await super.read(length, position);
    checkBgzfBlocks(bytes, position, this.path);
    return bytes;
  }
}

/** Checks the whole blocks of `bytes` (read from byte `position` of `path`); a cut-off last block is left to the inflater. */
export function checkBgzfBlocks(bytes: Uint8Array, position: number, path: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  let at = 0;
  while (at + 18 <= bytes.length) {
    const ok = bytes[at] === 0x1f && bytes[at + 1] === 0x8b && bytes[at + 2] === 8 && (bytes[at + 3]! & 4) !== 0 && bytes[at + 12] === 66 && bytes[at + 13] === 67;
    if (!ok) throw new FormatError(path, undefined, undefined, `no BGZF block header at byte ${position + at}: the file or its .gzi index is damaged`);
    const blockSize = view.getUint16(at + 16, true) + 1;
    if (blockSize < 26) throw new FormatError(path, undefined, undefined, `BGZF block at byte ${position + at} is ${blockSize} bytes, too short to be a block`);
    if (at + blockSize > bytes.length) return;
    const outputSize = view.getUint32(at + blockSize - 4, true);
    if (outputSize > MAX_BLOCK_OUTPUT) {
      throw new FormatError(path, undefined, undefined, `BGZF block at byte ${position + at} says it holds ${outputSize} bytes (at most ${MAX_BLOCK_OUTPUT}): the file is damaged`);
    }
    at += blockSize;
  }
}
