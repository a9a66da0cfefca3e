/** Child process for the kill -9 test: trains with frequent checkpoints; argv: checkpointPath resume(0|1) outJson. */
import { writeFileSync } from 'node:fs';
import { setup, weights } from './fit-fixture.js';

const [checkpointPath, resume, out] = process.argv.slice(2) as [string, string, string];
const { model, options } = setup({ checkpointPath, checkpointEvery: 3, resume: resume === '1' });
const result = await (async () => {
  const { fit } = await import('../../src/train/fit.js');
  return fit({
    ...options,
    // slow each step a little so the parent can kill mid-epoch
    onEvent: (e) => {
      if (e.type === 'step') {
        const until = Date.now() + 15;
        while (Date.now() < until);
      }
    },
  });
})();
writeFileSync(out, JSON.stringify({ weights: weights(model), history: result.history.map(({ seconds, ...r }) => r) }));
