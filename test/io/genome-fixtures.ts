/**
 * Fixture writers for the genome reader tests. FASTA text is plain line wrapping of known
 * sequences; 2bit and BGZF (+ .fai, .gzi) files are written by Python (Debian python3,
 * standard library only), independently of Strand's readers and writers.
 */
import { Random } from '../../src/data/random.js';
import { runPython } from '../helpers/pytorch.js';

export type Records = readonly (readonly [name: string, sequence: string])[];

/** FASTA text: `>name`, then the sequence in lines of `width` (per record when an array). */
export function fastaText(records: Records, width: number | readonly number[], eol = '\n'): string {
  return records
    .map(([name, seq], r) => {
      const w = typeof width === 'number' ? width : width[r]!;
      const lines = [];
      for (let i = 0; i < seq.length; i += w) lines.push(seq.slice(i, i + w));
      return `>${name} test record${eol}${lines.map((l) => l + eol).join('')}`;
    })
    .join('');
}

/** A random sequence: mostly ACGT, with lower-case runs, N runs and a few IUPAC codes. */
export function randomSequence(random: Random, length: number): string {
  let out = '';
  while (out.length < length) {
    const kind = random.next();
    const run = 1 + random.int(40);
    let piece = '';
    for (let i = 0; i < run; i++) piece += 'ACGT'[random.int(4)];
    if (kind < 0.15) piece = piece.toLowerCase();
    else if (kind < 0.2) piece = 'N'.repeat(run);
    else if (kind < 0.22) piece = 'n'.repeat(run);
    else if (kind < 0.25) piece = 'RYKMSWBDHV'[random.int(10)]!;
    out += piece;
  }
  return out.slice(0, length);
}

/** What a 2bit file stores for `seq`: N and IUPAC codes become N, case kept. */
export function asTwoBit(seq: string): string {
  return seq.replace(/[RYKMSWBDHV]/g, 'N').replace(/[rykmswbdhv]/g, 'n');
}

/** Writes `records` as a version-0 2bit file with Python (UCSC layout). Returns false without python3. */
export function writeTwoBitWithPython(path: string, records: Records): boolean {
  return runPython(
    `
import struct, re
code = {'T': 0, 'C': 1, 'A': 2, 'G': 3}
bodies = []
for name, seq in inputs['records']:
    nb = [(m.start(), m.end() - m.start()) for m in re.finditer(r'[^ACGTacgt]+', seq)]
    mb = [(m.start(), m.end() - m.start()) for m in re.finditer(r'[a-z]+', seq)]
    packed = bytearray((len(seq) + 3) // 4)
    for i, ch in enumerate(seq.upper()):
        packed[i // 4] |= code.get(ch, 0) << (6 - 2 * (i % 4))
    body = struct.pack('<I', len(seq))
    for blocks in (nb, mb):
        body += struct.pack('<I', len(blocks))
        body += b''.join(struct.pack('<I', s) for s, _ in blocks)
        body += b''.join(struct.pack('<I', n) for _, n in blocks)
    body += struct.pack('<I', 0) + bytes(packed)
    bodies.append((name.encode('ascii'), body))
head = struct.pack('<IIII', 0x1A412743, 0, len(bodies), 0)
offset = 16 + sum(1 + len(n) + 4 for n, _ in bodies)
for name, body in bodies:
    head += bytes([len(name)]) + name + struct.pack('<I', offset)
    offset += len(body)
with open(inputs['path'], 'wb') as f:
    f.write(head + b''.join(b for _, b in bodies))
result = True
`,
    { path, records },
    ['struct'],
  ) !== null;
}

/**
 * Writes `text` as BGZF (blocks of `blockSize` uncompressed bytes, then the empty EOF block)
 * to `path`, with `path.gzi` (BGZF block index) and `path.fai` (faidx index computed from the
 * text by Python). Returns false without python3.
 */
export function writeBgzipWithPython(path: string, text: string, blockSize: number): boolean {
  return runPython(
    `
import struct, zlib
def block(data):
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    cdata = c.compress(data) + c.flush()
    head = b'\\x1f\\x8b\\x08\\x04\\x00\\x00\\x00\\x00\\x00\\xff' + struct.pack('<H', 6) + b'BC' + struct.pack('<HH', 2, 18 + len(cdata) + 8 - 1)
    return head + cdata + struct.pack('<II', zlib.crc32(data) & 0xffffffff, len(data))
data = inputs['text'].encode('ascii')
size = inputs['blockSize']
blocks = [block(data[i:i + size]) for i in range(0, len(data), size)]
offsets, c, u = [], 0, 0
for i in range(len(blocks)):
    if i > 0:
        offsets.append((c, u))
    c += len(blocks[i])
    u += min(size, len(data) - i * size)
with open(inputs['path'], 'wb') as f:
    f.write(b''.join(blocks) + block(b''))
with open(inputs['path'] + '.gzi', 'wb') as f:
    f.write(struct.pack('<Q', len(offsets)) + b''.join(struct.pack('<QQ', a, b) for a, b in offsets))
# .fai by hand: records, bases per line and bytes per line from the first sequence line
lines = data.split(b'\\n')
fai, pos, i = [], 0, 0
while i < len(lines):
    line = lines[i]
    pos_next = pos + len(line) + 1
    if line.startswith(b'>'):
        name = line[1:].split()[0].decode()
        offset, length, width, j = pos_next, 0, None, i + 1
        while j < len(lines) and not lines[j].startswith(b'>') and lines[j]:
            width = width or len(lines[j])
            length += len(lines[j])
            j += 1
        width = width or 0
        fai.append(f'{name}\\t{length}\\t{offset}\\t{width}\\t{width + 1 if width else 0}\\n')
    pos, i = pos_next, i + 1
with open(inputs['path'] + '.fai', 'w') as f:
    f.write(''.join(fai))
result = True
`,
    { path, text, blockSize },
    ['struct', 'zlib'],
  ) !== null;
}
