/**
 * Tensor: a handle to a libtorch tensor. Disposal is explicit (`dispose()`, `using`, or
 * `tidy()`); the native finalizer frees forgotten tensors when the GC collects them.
 * Everyday op methods (add, matmul, reshape, ...) are attached by src/ops (generated).
 */
import { native, type NativeHandle } from './binding.js';
import { callOp, opRef } from './call.js';
import type { DType, TensorData } from './dtype.js';
import { InputError } from './errors.js';
import { track } from './scope.js';

const detachOp = opRef('aten::detach', '', 'T');
const toDTypeOp = opRef('aten::to', 'dtype', 'T');
const toDeviceOp = opRef('aten::to', 'device', 'T');

/** Frees the native tensor of a Tensor the GC collected without dispose(): the backstop. */
const backstop = new FinalizationRegistry<NativeHandle>((handle) => native.release(handle));

export class Tensor {
  #handle: NativeHandle | null;
  /** True when exempt from tidy() (set by keep()). */
  kept = false;

  /** Takes ownership of a native tensor slot (core only; users build tensors with tensor() or ops). */
  constructor(handle: NativeHandle) {
    this.#handle = handle;
    backstop.register(this, handle, this);
    track(this);
  }

  /** The native handle; throws when the tensor was disposed. */
  get handle(): NativeHandle {
    if (this.#handle === null) throw new InputError('tensor was already disposed');
    return this.#handle;
  }

  /** The native handle, or null once disposed (for identity checks). */
  get handleOrNull(): NativeHandle | null {
    return this.#handle;
  }

  get isDisposed(): boolean {
    return this.#handle === null;
  }

  get shape(): number[] {
    return native.shape(this.handle);
  }

  get ndim(): number {
    return this.shape.length;
  }

  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  get dtype(): DType {
    return native.dtype(this.handle) as DType;
  }

  /** 'cpu', 'cuda:0', ... */
  get device(): string {
    return native.device(this.handle);
  }

  /** Frees the native tensor now. Idempotent. */
  dispose(): void {
    if (this.#handle === null) return;
    backstop.unregister(this);
    native.release(this.#handle);
    this.#handle = null;
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** A copy of the elements, row-major, as the dtype's typed array (int64 -> BigInt64Array). */
  data<T extends TensorData = TensorData>(): T {
    return native.toBuffer(this.handle) as T;
  }

  /** The elements as a flat array of JS numbers. */
  toArray(): number[] {
    const d = this.data();
    return d instanceof BigInt64Array ? Array.from(d, Number) : Array.from(d as ArrayLike<number>);
  }

  /** The value of a one-element tensor. */
  item(): number {
    return Number(native.item(this.handle));
  }

  get requiresGrad(): boolean {
    return native.requiresGrad(this.handle);
  }

  set requiresGrad(value: boolean) {
    native.setRequiresGrad(this.handle, value);
  }

  /** Sets requires_grad and returns this tensor. */
  requiresGrad_(value = true): this {
    native.setRequiresGrad(this.handle, value);
    return this;
  }

  get isLeaf(): boolean {
    return native.isLeaf(this.handle);
  }

  /** The accumulated gradient (a new handle to it; dispose it or use tidy), or null. */
  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }

  set grad(value: Tensor | null) {
    native.setGrad(this.handle, value === null ? null : value.handle);
  }

  /** Backpropagates from this tensor (a scalar unless `grad` is given). */
  backward(grad?: Tensor, options: { retainGraph?: boolean; createGraph?: boolean } = {}): void {
    native.backward(this.handle, grad?.handle ?? null, options.retainGraph ?? false, options.createGraph ?? false);
  }

  /** A tensor sharing storage with this one, cut from the autograd graph. */
  detach(): Tensor {
    return callOp(detachOp, [this]) as Tensor;
  }

  /** Converts to `dtype` (a no-op returning a new handle when already of that dtype). */
  toDType(dtype: DType): Tensor {
    return callOp(toDTypeOp, [this, dtype]) as Tensor;
  }

  /** Moves to a device: 'cpu', 'cuda', 'cuda:1'. */
  toDevice(device: string, dtype: DType = this.dtype): Tensor {
    return callOp(toDeviceOp, [this, device, dtype]) as Tensor;
  }

  toString(): string {
    if (this.#handle === null) return 'Tensor(disposed)';
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device})`;
  }
}
