/** Reading FASTA records for the commands that score or explain sequences. */
import { openGenome } from '../io/genome.js';

export async function fastaRecords(path: string): Promise<{ ids: string[]; sequences: string[] }> {
  const genome = await openGenome(path, { writeIndex: false });
  try {
    const ids = [...genome.chromosomes().keys()];
    const sequences: string[] = [];
    for (const id of ids) sequences.push(await genome.fetch(id, 0, genome.chromosomes().get(id)!));
    return { ids, sequences };
  } finally {
    await genome.close();
  }
}
