import type { Application, GeneratedResource, ResourceModel, TypeInfo, VarInfo } from '../../compiler/application.js';

/**
 * A dotted variable path of a resource (`Main.start`, `gTrigger`, `Main.fb1.Q`) resolved once
 * to the chain of JavaScript properties that reach it, so that reading it every scan allocates
 * nothing. Names match case-insensitively, as IEC identifiers do.
 */
export class VariablePath {
  private constructor(
    private readonly root: object,
    private readonly props: readonly string[],
    /** the declaration of the variable the path ends at */
    readonly leaf: VarInfo,
  ) {}

  read(): unknown {
    let o: unknown = this.root;
    for (let i = 0; i < this.props.length; i++) {
      if (o === null || typeof o !== 'object') return undefined;
      o = (o as Record<string, unknown>)[this.props[i]];
    }
    return o;
  }

  /**
   * Store a value already converted to the variable's run-time representation. An array is
   * copied element by element into the instance's own (typed) array, which generated code holds.
   */
  write(value: unknown): void {
    let o = this.root as Record<string, unknown>;
    const last = this.props.length - 1;
    for (let i = 0; i < last; i++) o = o[this.props[i]] as Record<string, unknown>;
    const key = this.props[last]!;
    const current = o[key];
    if (ArrayBuffer.isView(current) || Array.isArray(current)) {
      const dst = current as unknown as Record<number, unknown> & { length: number };
      const src = value as ArrayLike<unknown>;
      for (let i = 0; i < dst.length && i < src.length; i++) dst[i] = src[i];
      return;
    }
    // a number for a 64-bit variable (held as bigint) keeps the variable's representation
    o[key] = typeof current === 'bigint' && typeof value === 'number' ? BigInt(Math.trunc(value)) : value;
  }

  /** Resolve `path`, or return an explanation of why it cannot be. */
  static resolve(app: Application, model: ResourceModel, instance: GeneratedResource, path: string): VariablePath | string {
    const parts = path.split('.');
    const upper = (s: string) => s.toUpperCase();
    const head = upper(parts[0]);
    const program = model.programs.find((p) => upper(p.name) === head);
    let root: object;
    let vars: VarInfo[] | undefined;
    const props: string[] = [];
    let leaf: VarInfo | undefined;
    let rest = parts.slice(1);
    if (program) {
      const key = Object.keys(instance.programs).find((k) => upper(k) === head);
      if (key === undefined) return `program instance ${parts[0]} is missing from the generated resource`;
      root = instance.programs[key];
      vars = app.pouTypes[program.typeName]?.vars ?? app.pouTypes[upper(program.typeName)]?.vars;
    } else {
      root = instance.globals;
      vars = model.globals;
      rest = parts;
    }
    for (const part of rest) {
      const step = pathStep(vars, part);
      if (typeof step === 'string') return `${path}: ${step}`;
      props.push(step.decl.prop);
      if (step.offset !== undefined) props.push(String(step.offset));
      leaf = step.leaf;
      vars = fieldsOf(app, leaf.type);
    }
    if (!leaf) return `${path}: not a variable`;
    return new VariablePath(root, props, leaf);
  }
}

/**
 * One part of a dotted path among `vars`: a name (`count`), or an element of a
 * one-dimensional array (`cells[2]`, held at offset index − lower bound), whose declaration
 * is then the element's.
 */
export function pathStep(vars: readonly VarInfo[] | undefined, part: string): { decl: VarInfo; leaf: VarInfo; offset?: number } | string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\[(-?\d+)\]$/.exec(part);
  const exact = m ? m[1]! : part;
  const name = exact.toUpperCase();
  // the exact spelling first: no string built per candidate (a program of 600 FBs has ~10,000 leaves)
  const v = vars?.find((x) => x.name === exact) ?? vars?.find((x) => x.name.toUpperCase() === name);
  if (!v) return `no variable ${m ? m[1] : part}`;
  if (!m) return { decl: v, leaf: v };
  const t = v.type;
  if (t.kind !== 'array' || t.dims.length !== 1) return `${v.name} is not a one-dimensional array`;
  const i = Number(m[2]);
  const { lo, hi } = t.dims[0]!;
  if (i < lo || i > hi) return `${part}: index out of ${lo}..${hi}`;
  return { decl: v, leaf: { ...v, name: part, type: t.element }, offset: i - lo };
}

export function fieldsOf(app: Application, t: TypeInfo): VarInfo[] | undefined {
  if (t.kind === 'struct') return t.fields;
  if (t.kind === 'fb') return app.pouTypes[t.name]?.vars ?? app.pouTypes[t.name.toUpperCase()]?.vars;
  if (t.kind === 'ref') return fieldsOf(app, t.target);
  return undefined;
}
