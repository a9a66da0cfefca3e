import type { Command } from 'commander';
import { writeFolderReport } from '../../report/folder-report.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild DIR/report.html (and its index.html copy, when there is one) from the outputs in DIR and its subfolders: train, evaluate --out, explain, motifs')
    .argument('<dir>', 'output folder')
    .action(async (dir: string) => {
      process.stderr.write(`wrote ${await writeFolderReport(dir)}\n`);
    });
}
