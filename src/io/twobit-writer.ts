/**
 * Writes 2bit files (UCSC format, little-endian): header (signature 0x1A412743, version,
 * sequence count, reserved), index (name length, name, record offset), then per record
 * dnaSize, N blocks, mask blocks (soft-masked = lower-case runs), reserved, packed bases
 * (T=0, C=1, A=2, G=3, first base in the most significant bits). As faToTwoBit does, N and
 * the IUPAC ambiguity codes are stored as N blocks; case is kept through mask blocks.
 * Holds each record's packed form (a quarter of its length) until the file is written.
 */
import { InputError } from '../core/errors.js';
import { AtomicFileWriter } from './atomic-write.js';

export interface TwoBitInputRecord {
  /** 1 to 255 characters. */
  name: string;
  /** ASCII bases: A C G T (either case), N or IUPAC codes (stored as N). */
  sequence: string | Uint8Array;
}

const SIGNATURE = 0x1a412743;
/** Packed code per byte, or -1 (N / ambiguity), or -2 (not a DNA letter). */
const CODE = new Int8Array(256).fill(-2);
for (const [code, base] of ['T', 'C', 'A', 'G'].entries()) {
  CODE[base.charCodeAt(0)] = code;
  CODE[base.toLowerCase().charCodeAt(0)] = code;
}
for (const base of 'NRYSWKMBDHVnryswkmbdhv') CODE[base.charCodeAt(0)] = -1;

interface EncodedRecord {
  name: Buffer;
  /** Everything from dnaSize to the end of the packed bases. */
  body: Buffer;
}

/** Writes `records` to `path` atomically (temporary name, then rename). */
export function writeTwoBit(path: string, records: Iterable<TwoBitInputRecord>): void {
  const encoded: EncodedRecord[] = [];
  const names = new Set<string>();
  for (const record of records) {
    if (record.name.length < 1 || record.name.length > 255 || /[^\x21-\x7e]/.test(record.name)) {
      throw new InputError(`2bit sequence names must be 1-255 printable ASCII characters without spaces, got '${record.name}'`);
    }
    if (names.has(record.name)) throw new InputError(`duplicate sequence name '${record.name}'`);
    names.add(record.name);
    const bases = typeof record.sequence === 'string' ? Buffer.from(record.sequence, 'latin1') : record.sequence;
    encoded.push({ name: Buffer.from(record.name, 'latin1'), body: encodeRecord(record.name, bases) });
  }
  const indexBytes = (offsetBytes: number) => 16 + encoded.reduce((sum, r) => sum + 1 + r.name.length + offsetBytes, 0);
  const total = indexBytes(4) + encoded.reduce((sum, r) => sum + r.body.length, 0);
  const version = total > 0xffffffff ? 1 : 0;
  const offsetBytes = version === 1 ? 8 : 4;

  const head = Buffer.alloc(indexBytes(offsetBytes));
  head.writeUInt32LE(SIGNATURE, 0);
  head.writeUInt32LE(version, 4);
  head.writeUInt32LE(encoded.length, 8);
  let at = 16;
  let offset = head.length;
  for (const r of encoded) {
    head.writeUInt8(r.name.length, at);
    r.name.copy(head, at + 1);
    at += 1 + r.name.length;
    if (version === 1) head.writeBigUInt64LE(BigInt(offset), at);
    else head.writeUInt32LE(offset, at);
    at += offsetBytes;
    offset += r.body.length;
  }

  const writer = new AtomicFileWriter(path);
  try {
    writer.write(head);
    for (const r of encoded) writer.write(r.body);
    writer.commit();
  } finally {
    writer.abort(); // no-op after a commit
  }
}

function encodeRecord(name: string, bases: Uint8Array): Buffer {
  const n = bases.length;
  if (n > 0xffffffff) throw new InputError(`sequence '${name}' is longer than 2bit allows (2^32 - 1 bases)`);
  const nBlocks = runs(bases, (b) => CODE[b] === -1);
  const maskBlocks = runs(bases, (b) => b >= 97 && b <= 122);
  const headerBytes = 4 + 4 + 8 * nBlocks.length / 2 + 4 + 8 * maskBlocks.length / 2 + 4;
  const body = Buffer.alloc(headerBytes + Math.ceil(n / 4));
  let at = 0;
  const u32 = (value: number) => {
    body.writeUInt32LE(value, at);
    at += 4;
  };
  u32(n);
  for (const blocks of [nBlocks, maskBlocks]) {
    const count = blocks.length / 2;
    u32(count);
    for (let i = 0; i < count; i++) u32(blocks[2 * i]!);
    for (let i = 0; i < count; i++) u32(blocks[2 * i + 1]! - blocks[2 * i]!);
  }
  u32(0); // reserved
  for (let i = 0; i < n; i++) {
    const code = CODE[bases[i]!]!;
    if (code === -2) throw new InputError(`sequence '${name}': invalid DNA character '${String.fromCharCode(bases[i]!)}' at position ${i} (0-based)`);
    if (code > 0) body[at + (i >>> 2)]! |= code << (6 - 2 * (i & 3));
  }
  return body;
}

/** Flat [start0, end0, start1, end1, ...] of the maximal runs where `inside(byte)` holds. */
function runs(bases: Uint8Array, inside: (byte: number) => boolean): number[] {
  const out: number[] = [];
  let start = -1;
  for (let i = 0; i < bases.length; i++) {
    if (inside(bases[i]!)) {
      if (start < 0) start = i;
    } else if (start >= 0) {
      out.push(start, i);
      start = -1;
    }
  }
  if (start >= 0) out.push(start, bases.length);
  return out;
}
