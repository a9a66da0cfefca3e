/** The layers a model's forward runs one after another, for methods that walk them (DeepLIFT, patched variant scoring). */
import { Sequential, type Module } from '../nn/index.js';

/** A model whose forward is a chain of layers it can list (e.g. DeepBind with max pooling). */
export interface LayerChain {
  layerChain(): Module[];
}

/**
 * The flattened layer chain of a Sequential, of a model listing its `layerChain()`, or of a
 * model whose `body` or `layers` is a Sequential (Basset, custom models); null otherwise.
 */
export function modelLayers(module: Module): Module[] | null {
  const flat = (ms: Iterable<Module>): Module[] => [...ms].flatMap((m) => (m instanceof Sequential ? flat(m) : [m]));
  if (module instanceof Sequential) return flat(module);
  const chain = (module as Partial<LayerChain>).layerChain;
  if (typeof chain === 'function') {
    try {
      return flat(chain.call(module));
    } catch {
      return null; // a configuration without a chain (e.g. DeepBind with 'maxavg' pooling)
    }
  }
  for (const key of ['body', 'layers']) {
    const inner = (module as unknown as Record<string, unknown>)[key];
    if (inner instanceof Sequential) return flat(inner);
  }
  return null;
}
