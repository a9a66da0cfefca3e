/**
 * One rank of the listening test: joins the group its environment describes, runs a barrier,
 * and prints (or writes to STRAND_TEST_OUT/<rank>.json) the local addresses of the TCP sockets this process listens on (from /proc).
 */
import { readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processGroupFromEnv } from '../../src/distributed/index.js';

/** '0100007F:1F90' (little-endian IPv4) or a 32-hex-digit IPv6 address, as text. */
function address(hex: string): string {
  const [ip] = hex.split(':');
  if (ip!.length === 8) return Array.from({ length: 4 }, (_, i) => parseInt(ip!.slice(6 - 2 * i, 8 - 2 * i), 16)).join('.');
  return ip === '00000000000000000000000000000000' ? '::' : ip === '00000000000000000000000001000000' ? '::1' : `ipv6:${ip}`;
}

const group = await processGroupFromEnv();
await group.barrier();
const sockets = new Set(
  readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      return [/^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/self/fd/${fd}`))?.[1]].filter((s) => s !== undefined);
    } catch {
      return [];
    }
  }),
);
const listening: string[] = [];
for (const table of ['/proc/self/net/tcp', '/proc/self/net/tcp6']) {
  for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[3] === '0A' && sockets.has(f[9]!)) listening.push(address(f[1]!));
  }
}
await group.barrier();
group.destroy();
const report = `${JSON.stringify({ rank: group.rank, listening })}\n`;
if (process.env.STRAND_TEST_OUT) writeFileSync(join(process.env.STRAND_TEST_OUT, `${group.rank}.json`), report);
else process.stdout.write(report);
