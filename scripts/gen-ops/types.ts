/** Maps libtorch schema types to TypeScript types; null when a type cannot be passed from JS. */

const SCALAR_TYPES: Record<string, string> = {
  Tensor: 'Tensor',
  int: 'number',
  SymInt: 'number',
  float: 'number',
  bool: 'boolean',
  str: 'string',
  Scalar: 'number | boolean',
  ScalarType: 'DType',
  Layout: 'Layout',
  MemoryFormat: 'MemoryFormat',
  Device: 'string',
};

const LIST_ELEMENTS: Record<string, string> = {
  Tensor: 'Tensor',
  'Tensor?': '(Tensor | null)',
  int: 'number',
  SymInt: 'number',
  float: 'number',
  bool: 'boolean',
};

/** The TS type of an argument, or null when unsupported. `n` is set for fixed-size lists (`int[2]`). */
export function argumentType(type: string, n?: number): string | null {
  if (type.endsWith('?') && !type.endsWith('[]?')) {
    if (type === 'Generator?') return 'null';
    const inner = argumentType(type.slice(0, -1), n);
    return inner === null ? null : `${inner} | null`;
  }
  if (type.endsWith('[]?')) {
    const inner = argumentType(type.slice(0, -1), n);
    return inner === null ? null : `${inner} | null`;
  }
  if (type.endsWith('[]')) {
    const elem = LIST_ELEMENTS[type.slice(0, -2)];
    if (elem === undefined) return null;
    return n !== undefined && elem === 'number' ? `number | number[]` : `${elem}[]`;
  }
  return SCALAR_TYPES[type] ?? null;
}

const RETURN_TYPES: Record<string, string> = {
  Tensor: 'Tensor',
  'Tensor?': 'Tensor | null',
  'Tensor[]': 'Tensor[]',
  int: 'number',
  'int[]': 'number[]',
  float: 'number',
  bool: 'boolean',
  str: 'string',
  Scalar: 'number',
  ScalarType: 'number',
};

export function returnType(type: string): string | null {
  return RETURN_TYPES[type] ?? null;
}

/** One letter per return, for callOp: 'T' tensor, 'L' tensor list, 'v' plain value. */
export function returnKinds(types: readonly string[]): string {
  return types.map((t) => (t === 'Tensor' || t === 'Tensor?' ? 'T' : t === 'Tensor[]' ? 'L' : 'v')).join('');
}
