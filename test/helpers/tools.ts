/** Command-line peers (bcftools, tabix) that tests compare against: required in CI, optional elsewhere. */
import { spawnSync } from 'node:child_process';

const hasTool = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;

/** True when `name` is on the PATH; in CI a missing tool is an error (scripts/setup.sh --peers installs it). */
export function needTool(name: string): boolean {
  if (hasTool(name)) return true;
  if (process.env.CI === 'true') throw new Error(`${name} is required in CI (scripts/setup.sh --peers installs it)`);
  return false;
}
