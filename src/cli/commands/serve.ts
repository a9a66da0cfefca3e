import type { Command } from 'commander';
import { ModelClient } from '../serve/model-client.js';
import { startServer } from '../serve/server.js';
import { nonNegativeInt, positiveInt } from '../parse.js';

/** Resolves on the first SIGINT or SIGTERM (a second one kills the process as usual). */
function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(signal);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('local web app and JSON API for a saved model: predictions, attribution logos, variant effects')
    .requiredOption('--model <dir>', 'saved model folder')
    .option('--genome <file>', 'reference genome (FASTA, bgzip FASTA or 2bit), for variant scoring')
    .option('--host <address>', 'address to listen on (anything but loopback exposes the model to the network)', '127.0.0.1')
    .option('--port <n>', 'port to listen on; 0 picks a free one', nonNegativeInt, 8080)
    .option('--threads <n>', 'libtorch threads', positiveInt)
    .action(async (o: { model: string; genome?: string; host: string; port: number; threads?: number }) => {
      const stopped = untilSignal();
      const client = await ModelClient.start({
        modelDir: o.model,
        ...(o.genome === undefined ? {} : { genomePath: o.genome }),
        ...(o.threads === undefined ? {} : { threads: o.threads }),
      });
      let server;
      try {
        server = await startServer(client, { host: o.host, port: o.port });
      } catch (err) {
        await client.close();
        throw err;
      }
      const { model, genome } = client.info;
      process.stderr.write(
        `strand serve: ${model.architecture.name} model (${model.input.length} bp, ${model.task.outputs.length} outputs)${genome ? `, genome ${genome.name}` : ', no genome (variant scoring off)'}\n`,
      );
      process.stderr.write(`strand serve: ${server.url}\n`);
      const signal = await stopped;
      process.stderr.write(`strand serve: ${signal}, stopping\n`);
      await Promise.all([server.close(), client.close()]);
      process.stderr.write('strand serve: stopped\n');
    });
}
