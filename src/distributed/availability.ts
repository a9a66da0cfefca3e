/** Whether this addon has c10d with Gloo, and the one error that says what to install when not. */
import { InputError } from '../core/index.js';
import { native, type NativeDistributed } from '../core/binding.js';

export const DISTRIBUTED_UNAVAILABLE =
  'distributed training needs libtorch\'s c10d with Gloo, and this addon was built without the gloo headers: ' +
  'install libgloo-dev (apt-get install libgloo-dev, or run scripts/setup.sh) and rebuild the addon (npm run build:native)';

/** True when the addon was built with c10d's Gloo process group. */
export function distributedAvailable(): boolean {
  return native.distributed !== undefined;
}

/** The addon's distributed entry points; throws the install hint when `binding` has none. */
export function requireDistributed(binding: { distributed?: NativeDistributed } = native): NativeDistributed {
  if (binding.distributed === undefined) throw new InputError(DISTRIBUTED_UNAVAILABLE);
  return binding.distributed;
}
