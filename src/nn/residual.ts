/** Residual: y = shortcut(x) + inner(x), with the identity shortcut unless a projection is given (ResNet-style blocks). */
import { InputError, type Tensor } from '../core/index.js';
import { shapeText } from './check.js';
import { Module, type TensorModule } from './module.js';

export class Residual extends Module {
  readonly inner: TensorModule;
  readonly projection: TensorModule | null;

  /**
   * inner: the residual branch (child 'inner'); projection: maps x to inner's output shape
   * when they differ, e.g. a 1x1 Conv1d (child 'projection'). Default none (identity).
   */
  constructor(inner: TensorModule, { projection = null }: { projection?: TensorModule | null } = {}) {
    super();
    this.inner = this.registerModule('inner', inner);
    this.projection = projection === null ? null : this.registerModule('projection', projection);
  }

  /** x: any shape inner accepts -> inner(x)'s shape, which must equal the shortcut's. */
  forward(x: Tensor): Tensor {
    const branch = this.inner.forward(x);
    const shortcut = this.projection === null ? x : this.projection.forward(x);
    const a = shortcut.shape;
    const b = branch.shape;
    if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
      throw new InputError(`expected the inner branch to keep the shortcut's shape ${shapeText(a)}, got ${shapeText(b)} (give a projection)`);
    }
    return shortcut.add(branch);
  }
}
