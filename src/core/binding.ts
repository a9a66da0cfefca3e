/**
 * Loads the native libtorch addon once and hands it the JS error class (the single catch
 * boundary in C++ throws TorchError instances). Every other module reaches native code here.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TorchError } from './errors.js';

/** A slot in the addon's tensor table; only core/ touches it. */
export type NativeHandle = number;

export type NativeValue = NativeHandle | number | bigint | boolean | string | null | undefined | NativeValue[];

export interface SchemaArgument {
  name: string;
  type: string;
  n?: number;
  default?: string;
  kwargOnly: boolean;
  mutable: boolean;
  alias?: string;
}

export interface OperatorSchema {
  name: string;
  overload: string;
  schema: string;
  arguments: SchemaArgument[];
  returns: SchemaArgument[];
  varargs: boolean;
}

/** What the addon's c10d process group takes (src/distributed validates it first). */
export interface NativeGroupOptions {
  rank: number;
  worldSize: number;
  store: 'tcp' | 'file';
  host: string;
  port: number;
  isServer: boolean;
  path: string;
  timeoutMs: number;
  /** The local address Gloo binds ('' with deviceInterface, or for the host's default). */
  deviceHostname: string;
  deviceInterface: string;
}

/** c10d with Gloo; absent when the addon was built without the gloo headers. Groups are ids. */
export interface NativeDistributed {
  create(options: NativeGroupOptions): Promise<number>;
  allreduce(group: number, tensors: NativeHandle[], op: 'sum' | 'avg' | 'max' | 'min'): Promise<void>;
  broadcast(group: number, tensors: NativeHandle[], root: number): Promise<void>;
  allgather(group: number, tensor: NativeHandle): Promise<NativeHandle[]>;
  barrier(group: number): Promise<void>;
  destroy(group: number): void;
  reducerCreate(group: number, params: NativeHandle[], bucketBytes: number, firstBucketBytes: number): number;
  reducerPrepare(reducer: number): void;
  reducerDestroy(reducer: number): void;
}

export interface NativeBinding {
  setErrorClass(ctor: new (message: string, details: { op: string; args: string[] }) => Error): void;
  opHandle(name: string, overload: string): number;
  callOp(id: number, args: NativeValue[]): NativeValue;
  release(handle: NativeHandle): void;
  shape(handle: NativeHandle): number[];
  dtype(handle: NativeHandle): string;
  device(handle: NativeHandle): string;
  /** Number of tensors held by the table (for leak tests). */
  liveTensors(): number;
  schemas(): OperatorSchema[];
  fromBuffer(data: ArrayBufferView, shape: number[], dtype: string): NativeHandle;
  toBuffer(handle: NativeHandle): ArrayBufferView;
  item(handle: NativeHandle): number | boolean;
  backward(handle: NativeHandle, grad: NativeHandle | null, retainGraph: boolean, createGraph: boolean): void;
  grad(handle: NativeHandle): NativeHandle | null;
  setGrad(handle: NativeHandle, grad: NativeHandle | null): void;
  requiresGrad(handle: NativeHandle): boolean;
  setRequiresGrad(handle: NativeHandle, value: boolean): void;
  isLeaf(handle: NativeHandle): boolean;
  setGradEnabled(enabled: boolean): boolean;
  isGradEnabled(): boolean;
  enterInferenceMode(): void;
  exitInferenceMode(): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  manualSeed(seed: number): void;
  getRngState(): Uint8Array;
  setRngState(state: Uint8Array): void;
  cudaDeviceCount(): number;
  version(): string;
  distributed?: NativeDistributed;
}

function findAddon(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'build', 'Release', 'strand_native.node');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(
    'strand: the native libtorch addon is not built; run `make setup` (or `npm run build:native`) in the strand folder',
  );
}

function load(): NativeBinding {
  const require = createRequire(import.meta.url);
  const addon = require(findAddon()) as NativeBinding;
  addon.setErrorClass(TorchError);
  return addon;
}

export const native: NativeBinding = load();
