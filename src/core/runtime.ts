/** Process-wide libtorch settings: threads, random seed, devices, version. */
import { native } from './binding.js';
import { InputError } from './errors.js';

/** Sets the intra-op thread count libtorch uses (like torch.set_num_threads). */
export function setNumThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new InputError(`thread count must be a positive integer, got ${n}`);
  native.setNumThreads(n);
}

export function getNumThreads(): number {
  return native.getNumThreads();
}

/** Seeds libtorch's random generators (CPU and CUDA), like torch.manual_seed. */
export function manualSeed(seed: number): void {
  if (!Number.isInteger(seed) || seed < 0) throw new InputError(`seed must be a non-negative integer, got ${seed}`);
  native.manualSeed(seed);
}

/**
 * The CPU generator's state (like torch.get_rng_state): everything libtorch draws next
 * (dropout masks, randperm, initialisation) follows from it, so a checkpoint keeps it.
 */
export function getRngState(): Uint8Array {
  return native.getRngState();
}

/** Restores a state from getRngState (like torch.set_rng_state). */
export function setRngState(state: Uint8Array): void {
  native.setRngState(state);
}

export function cudaDeviceCount(): number {
  return native.cudaDeviceCount();
}

export function cudaAvailable(): boolean {
  return native.cudaDeviceCount() > 0;
}

/** 'cuda' when libtorch was built with CUDA and a device is present, else 'cpu'. */
export function defaultDevice(): 'cuda' | 'cpu' {
  return cudaAvailable() ? 'cuda' : 'cpu';
}

/** The libtorch version the addon was built against, e.g. '1.13.0'. */
export function torchVersion(): string {
  return native.version();
}

/** Number of live native tensors (every Tensor not yet disposed or collected). For leak checks. */
export function liveTensorCount(): number {
  return native.liveTensors();
}
