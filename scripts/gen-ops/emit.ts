/** Turns accepted operator schemas into TypeScript source. */
import type { OperatorSchema, SchemaArgument } from '../../src/core/binding.js';
import { argumentName } from './naming.js';
import { argumentType, returnType } from './types.js';

export interface Wrapper {
  tsName: string;
  schema: OperatorSchema;
  refName: string;
}

interface Param {
  key: string;
  type: string;
  required: boolean;
  omitted: boolean; // always left to its schema default (Generator?)
}

function params(schema: OperatorSchema): Param[] | null {
  const out: Param[] = [];
  for (const a of schema.arguments) {
    const type = argumentType(a.type, a.n);
    if (type === null) return null;
    const omitted = type === 'null';
    out.push({ key: argumentName(a.name), type, required: a.default === undefined && !omitted, omitted });
  }
  const keys = new Set(out.map((p) => p.key));
  return keys.size === out.length ? out : null;
}

function returns(schema: OperatorSchema): { type: string; named: string[] | null } | null {
  const types = schema.returns.map((r) => returnType(r.type));
  if (types.some((t) => t === null)) return null;
  if (types.length === 0) return { type: 'void', named: null };
  if (types.length === 1) return { type: types[0]!, named: null };
  const names = schema.returns.map((r) => r.name);
  const named = names.every((n) => /^[a-z][a-z0-9_]*$/i.test(n)) && new Set(names).size === names.length;
  if (named) {
    return { type: `{ ${names.map((n, i) => `${argumentName(n)}: ${types[i]}`).join('; ')} }`, named: names };
  }
  return { type: `[${types.join(', ')}]`, named: null };
}

/** True when the schema can be wrapped (every argument and return type is supported). */
export function isWrappable(schema: OperatorSchema): boolean {
  return !schema.varargs && params(schema) !== null && returns(schema) !== null;
}

function signature(ps: Param[], override?: { key: string; type: string }): string {
  const typeOf = (p: Param) => (override && p.key === override.key ? override.type : p.type);
  const required = ps.filter((p) => p.required).map((p) => `${p.key}: ${typeOf(p)}`);
  const optional = ps.filter((p) => !p.required && !p.omitted);
  if (optional.length > 0) {
    required.push(`options: { ${optional.map((p) => `${p.key}?: ${typeOf(p)}`).join('; ')} } = {}`);
  }
  return required.join(', ');
}

function callArgs(ps: Param[]): string {
  return ps.map((p) => (p.omitted ? 'undefined' : p.required ? p.key : `options.${p.key}`)).join(', ');
}

function resultExpression(call: string, ret: { type: string; named: string[] | null }): string {
  if (ret.type === 'void') return `${call};`;
  if (ret.named === null) return `return ${call} as ${ret.type};`;
  const tuple = ret.type.slice(2, -2).split('; ').map((f) => f.slice(f.indexOf(': ') + 2));
  const fields = ret.named.map((n, i) => `${argumentName(n)}: r[${i}]!`).join(', ');
  return `const r = ${call} as [${tuple.join(', ')}];\n  return { ${fields} };`;
}

function doc(schema: OperatorSchema): string {
  return `/** \`${schema.schema.replace(/\*\//g, '* /')}\` */`;
}

export function emitWrapper(w: Wrapper): string {
  const ps = params(w.schema)!;
  const ret = returns(w.schema)!;
  const call = `callOp(${w.refName}, [${callArgs(ps)}])`;
  return `${doc(w.schema)}\nexport function ${w.tsName}(${signature(ps)}): ${ret.type} {\n  ${resultExpression(call, ret)}\n}\n`;
}

function differingArgument(a: SchemaArgument[], b: SchemaArgument[]): string | null {
  if (a.length !== b.length) return null;
  let differing: string | null = null;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.name !== b[i]!.name) return null;
    if (a[i]!.type === b[i]!.type) continue;
    if (a[i]!.type !== 'Tensor' || b[i]!.type !== 'Scalar' || differing !== null) return null;
    differing = a[i]!.name;
  }
  return differing;
}

/**
 * One function taking `Tensor | number` for the argument where a `.Tensor` overload and a
 * `.Scalar` overload differ, dispatching on the value. Null when the overloads differ otherwise.
 */
export function emitScalarOrTensor(tsName: string, tensor: Wrapper, scalar: Wrapper): string | null {
  const key = differingArgument(tensor.schema.arguments, scalar.schema.arguments);
  if (key === null) return null;
  const tensorRet = returns(tensor.schema)!;
  const scalarRet = returns(scalar.schema)!;
  if (tensorRet.type !== scalarRet.type || tensorRet.named !== null) return null;
  const ps = params(tensor.schema)!;
  const scalarPs = params(scalar.schema)!;
  const argKey = argumentName(key);
  if (scalarPs.map((p) => p.required).join() !== ps.map((p) => p.required).join()) return null;
  const args = callArgs(ps);
  const body = tensorRet.type === 'void'
    ? `callOp(${argKey} instanceof Tensor ? ${tensor.refName} : ${scalar.refName}, [${args}]);`
    : `return callOp(${argKey} instanceof Tensor ? ${tensor.refName} : ${scalar.refName}, [${args}]) as ${tensorRet.type};`;
  return (
    `/** \`${tensor.schema.name}\`: the \`${tensor.schema.overload}\` overload for a Tensor \`${argKey}\`, \`${scalar.schema.overload}\` for a number. */\n` +
    `export function ${tsName}(${signature(ps, { key: argKey, type: 'Tensor | number | boolean' })}): ${tensorRet.type} {\n  ${body}\n}\n`
  );
}
