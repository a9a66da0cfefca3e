/** Error classes shared by every layer. Each carries a stable `code` and an optional `cause`. */

export type ErrorCode = 'torch' | 'config' | 'format' | 'input';

export abstract class StrandError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A libtorch operation failed; `op` names the operator and `args` describes its arguments. */
export class TorchError extends StrandError {
  readonly code = 'torch' as const;
  readonly op: string;
  readonly args: readonly string[];
  constructor(message: string, details: { op?: string; args?: readonly string[]; cause?: unknown } = {}) {
    super(message, { cause: details.cause });
    this.op = details.op ?? '';
    this.args = details.args ?? [];
  }
}

/**
 * A configuration value is wrong; `path` is the dotted field path, e.g. `model.layers.0.kernel`.
 * With `file` (and `line`), the message starts with where the value was written.
 */
export class ConfigError extends StrandError {
  readonly code = 'config' as const;
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** What is wrong, without the file, line and path (the message is these joined). */
  readonly problem: string;
  constructor(readonly path: string, problem: string, options: { cause?: unknown; file?: string; line?: number } = {}) {
    const where = [options.file, options.line === undefined ? undefined : `line ${options.line}`, path || undefined].filter(Boolean);
    super(where.length > 0 ? `${where.join(': ')}: ${problem}` : problem, { cause: options.cause });
    this.file = options.file;
    this.line = options.line;
    this.problem = problem;
  }
}

/** A file is malformed at a known place. */
export class FormatError extends StrandError {
  readonly code = 'format' as const;
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly field: string | undefined,
    problem: string,
    options?: { cause?: unknown },
  ) {
    const where = [file, line === undefined ? undefined : `line ${line}`, field].filter(Boolean).join(': ');
    super(`${where}: ${problem}`, options);
  }
}

/** A caller passed a value the function cannot use (wrong shape, dtype, range). */
export class InputError extends StrandError {
  readonly code = 'input' as const;
}
