/** `strand serve` as a child process on a free port, for the API, browser and load tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { STRAND_CLI } from './trained-model.js';

export interface ServeProcess {
  /** e.g. http://127.0.0.1:40123/ */
  url: string;
  child: ChildProcess;
  /** Everything the server wrote on stderr so far. */
  stderr(): string;
  /** Sends `signal` and resolves with how the process ended. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Starts `strand serve --port 0 ...args` and waits for the line naming its address. */
export function startServe(args: readonly string[], { timeoutMs = 60_000, env = process.env } = {}): Promise<ServeProcess> {
  const child = spawn(process.execPath, [STRAND_CLI, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'], env });
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`strand serve did not start within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (text: string) => {
      stderr += text;
      const m = /^strand serve: (http:\/\/\S+)\n/m.exec(stderr);
      if (m === null) return;
      clearTimeout(timer);
      resolve({
        url: m[1]!,
        child,
        stderr: () => stderr,
        stop: async (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return { ...(await exited), stderr };
        },
      });
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`strand serve exited (code ${code}, signal ${signal}) before listening:\n${stderr}`));
    });
  });
}
