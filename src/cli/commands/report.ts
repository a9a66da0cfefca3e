import type { Command } from 'commander';
import { writeFolderReport } from '../../report/folder-report.js';

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('rebuild DIR/report.html from the outputs in DIR (train, evaluate --out, explain, motifs; and their subfolders)')
    .argument('<dir>', 'output folder')
    .action(async (dir: string) => {
      process.stderr.write(`wrote ${await writeFolderReport(dir)}\n`);
    });
}
