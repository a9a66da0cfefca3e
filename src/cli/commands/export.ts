import type { Command } from 'commander';
import { InputError } from '../../core/index.js';
import { exportOnnx } from '../../export/onnx.js';
import { sequenceModelLength } from '../../interpret/predict.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import { loadModel } from '../../models/saved-model.js';
import { positiveInt } from '../parse.js';

interface ExportArgs {
  model: string;
  onnx: string;
  opset: number;
}

function exportModel(o: ExportArgs): void {
  if (!o.onnx.endsWith('.onnx')) throw new InputError(`--onnx must name a .onnx file, got '${o.onnx}'`);
  if (o.opset < 13 || o.opset > 18) throw new InputError(`--opset must be 13 to 18, got ${o.opset}`);
  const saved = loadModel(o.model);
  try {
    const length = sequenceModelLength(saved);
    const bytes = exportOnnx(saved.model, { length, outputs: saved.description.task.outputs, opset: o.opset, name: saved.description.architecture.name });
    writeFileAtomic(o.onnx, bytes);
    const T = saved.description.task.outputs.length;
    const outputs = saved.description.task.kind === 'profile' ? `outputs profile [batch, ${T}, positions] (logits) and counts [batch, ${T}] (log total counts)` : `output y [batch, ${T}] (the model's raw outputs)`;
    process.stderr.write(`wrote ${o.onnx} (${(bytes.length / 1e6).toFixed(2)} MB, opset ${o.opset}; input x [batch, 4, ${length}], ${outputs})\n`);
  } finally {
    saved.model.dispose();
  }
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('export a saved model to ONNX (standard ai.onnx operators; dynamic batch), for onnxruntime and other runtimes')
    .requiredOption('--model <dir>', 'saved model folder')
    .requiredOption('--onnx <file>', 'output .onnx file')
    .option('--opset <n>', 'ONNX operator set (13-18)', positiveInt, 17)
    .action((o: ExportArgs) => exportModel(o));
}
