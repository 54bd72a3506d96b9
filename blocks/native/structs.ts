import type { TypeInfo } from '../../compiler/application.js';
import { NativeFb, type NativeBlock, type NativeContext } from './native-fb.js';

type Fields = Record<string, unknown>;

/**
 * The JavaScript properties of a dotted member name (`pos.x`) in a structure of type `t`,
 * matched without regard to case as IEC identifiers are; undefined when a part is not a member.
 * Without type information (an unconnected port) the value's own keys are used.
 */
function memberPath(t: TypeInfo | undefined, value: unknown, member: string): string[] | undefined {
  const props: string[] = [];
  let type = t;
  let v = value;
  for (const part of member.split('.')) {
    const wanted = part.trim().toUpperCase();
    if (typeof v !== 'object' || v === null || Array.isArray(v) || ArrayBuffer.isView(v)) return undefined;
    let prop: string | undefined;
    if (type?.kind === 'struct') {
      const f = type.fields.find((x) => x.name.toUpperCase() === wanted);
      prop = f?.prop;
      type = f?.type;
    } else {
      prop = Object.keys(v).find((k) => k.toUpperCase() === wanted);
      type = undefined;
    }
    if (prop === undefined) return undefined;
    props.push(prop);
    v = (v as Fields)[prop];
  }
  return props;
}

/**
 * `v` for the block's own storage: a structured value is copied into `old` when it has the
 * same shape (nothing allocated), otherwise into a fresh copy; scalars are taken as they are.
 */
function copyInto(old: unknown, v: unknown): unknown {
  if (typeof v !== 'object' || v === null) return v;
  if (typeof old !== 'object' || old === null || old.constructor !== v.constructor) return cloneOf(v);
  if (ArrayBuffer.isView(v)) {
    const a = v as unknown as ArrayLike<unknown>;
    const o = old as unknown as { length: number; set(x: ArrayLike<unknown>): void };
    if (o.length !== a.length) return cloneOf(v);
    o.set(a);
    return old;
  }
  if (Array.isArray(v)) {
    const o = old as unknown[];
    if (o.length !== v.length) return cloneOf(v);
    for (let k = 0; k < v.length; k++) o[k] = copyInto(o[k], v[k]);
    return old;
  }
  const o = old as Fields;
  for (const k in v) o[k] = copyInto(o[k], (v as Fields)[k]);
  return old;
}

/** A deep copy that keeps class prototypes (structuredClone would not). */
function cloneOf(v: object): unknown {
  if (ArrayBuffer.isView(v)) return structuredClone(v);
  if (Array.isArray(v)) return v.map((x: unknown) => (typeof x === 'object' && x !== null ? cloneOf(x) : x));
  const out = Object.create(Object.getPrototypeOf(v) as object) as Fields;
  for (const [k, x] of Object.entries(v)) out[k] = typeof x === 'object' && x !== null ? cloneOf(x) : x;
  return out;
}

/** One member path per member text, looked up again only when the text or the type changes. */
class MemberCache {
  private text: string | undefined;
  private type: TypeInfo | undefined;
  private path: string[] | undefined;
  lookup(t: TypeInfo | undefined, value: unknown, member: string): string[] | undefined {
    if (member !== this.text || t !== this.type || (t === undefined && this.path === undefined)) {
      this.text = member;
      this.type = t;
      this.path = memberPath(t, value, member);
    }
    return this.path;
  }
}

/**
 * GET_STRUCT_VALUE (FORTE utils): REQ reads the member named by `member` (dotted for nested
 * structures) of the structure connected to in_struct into `output` with QO TRUE; a name that
 * is not a member, or no structure, gives QO FALSE and leaves `output` as it was.
 */
export class GET_STRUCT_VALUE extends NativeFb {
  in_struct: unknown = 0;
  member = '';
  QO = false;
  output: unknown = 0;
  private type: TypeInfo | undefined;
  private readonly cache = new MemberCache();
  constructor(ctx: NativeContext) {
    super(ctx);
  }
  override $prepare(): void {
    this.type = this.$ctx.portType?.(this, 'in_struct');
  }
  $event(_ei: number): void {
    const path = this.cache.lookup(this.type, this.in_struct, this.member);
    this.QO = path !== undefined;
    if (path) {
      let v: unknown = this.in_struct;
      for (const p of path) v = (v as Fields)[p];
      this.output = copyInto(this.output, v);
    }
    this.$emit(0);
  }
}

/**
 * SET_STRUCT_VALUE (FORTE utils): REQ copies in_struct to out_struct with the member named by
 * `member` set to element_value; a name that is not a member, or a value of another kind than
 * the member's, leaves the copy unchanged, as FORTE does (it logs it; here too).
 */
export class SET_STRUCT_VALUE extends NativeFb {
  in_struct: unknown = 0;
  member = '';
  element_value: unknown = 0;
  out_struct: unknown = 0;
  private type: TypeInfo | undefined;
  private readonly cache = new MemberCache();
  constructor(ctx: NativeContext) {
    super(ctx);
  }
  override $prepare(): void {
    this.type = this.$ctx.portType?.(this, 'in_struct') ?? this.$ctx.portType?.(this, 'out_struct');
  }
  $event(_ei: number): void {
    this.out_struct = copyInto(this.out_struct, this.in_struct);
    const path = this.cache.lookup(this.type, this.out_struct, this.member);
    if (path) {
      let owner = this.out_struct as Fields;
      for (let k = 0; k < path.length - 1; k++) owner = owner[path[k]!] as Fields;
      const last = path[path.length - 1]!;
      if (typeof owner[last] === typeof this.element_value) owner[last] = copyInto(owner[last], this.element_value);
      else process.stderr.write(`${this.$name}: member ${this.member} is not of the type of element_value\n`);
    } else process.stderr.write(`${this.$name}: ${this.member} is not a member of in_struct\n`);
    this.$emit(0);
  }
}

/** The FB's path in the application, its parts joined by Sep (FORTE's separator is a CHAR, '.' by default). */
function joined(name: string, sep: string): string {
  return sep === '.' || sep === '' ? name : name.split('.').join(sep);
}

/** GetInstancePath (FORTE utils): REQ gives Path, the FB's own instance path in the application. */
export class GetInstancePath extends NativeFb {
  Sep = '.';
  Path = '';
  constructor(ctx: NativeContext) {
    super(ctx);
  }
  $event(_ei: number): void {
    this.Path = joined(this.$name, this.Sep);
    this.$emit(0);
  }
}

/** GetInstancePathAndName (FORTE utils): REQ gives Path, the path of the FB's container, and Name, its own. */
export class GetInstancePathAndName extends NativeFb {
  Sep = '.';
  Path = '';
  Name = '';
  constructor(ctx: NativeContext) {
    super(ctx);
  }
  $event(_ei: number): void {
    const dot = this.$name.lastIndexOf('.');
    this.Path = joined(dot < 0 ? '' : this.$name.slice(0, dot), this.Sep);
    this.Name = this.$name.slice(dot + 1);
    this.$emit(0);
  }
}

const REQ_CNF = { inputs: ['REQ'], outputs: ['CNF'] };

export const STRUCT_BLOCKS: NativeBlock[] = [
  { name: 'GET_STRUCT_VALUE', events: REQ_CNF, create: (c) => new GET_STRUCT_VALUE(c) },
  { name: 'SET_STRUCT_VALUE', events: REQ_CNF, create: (c) => new SET_STRUCT_VALUE(c) },
  { name: 'GetInstancePath', events: REQ_CNF, create: (c) => new GetInstancePath(c) },
  { name: 'GetInstancePathAndName', events: REQ_CNF, create: (c) => new GetInstancePathAndName(c) },
];
