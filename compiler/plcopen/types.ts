/**
 * PLCopen `dataType` elements (the TC6 schema's type choice) and initial values, as ST text.
 */
import type { ImportContext } from './context.js';
import { attr, childElements, firstChild, type XmlElement } from './xml.js';

/** Elementary types the TC6 schema names as empty elements (`<INT/>`); also accepted: ed.3 long types. */
const ELEMENTARY = new Set([
  'BOOL', 'BYTE', 'WORD', 'DWORD', 'LWORD', 'SINT', 'INT', 'DINT', 'LINT', 'USINT', 'UINT', 'UDINT', 'ULINT',
  'REAL', 'LREAL', 'TIME', 'DATE', 'DT', 'TOD', 'LTIME', 'LDATE', 'LDT', 'LTOD', 'CHAR', 'WCHAR',
  'DATE_AND_TIME', 'TIME_OF_DAY',
  'ANY', 'ANY_DERIVED', 'ANY_ELEMENTARY', 'ANY_MAGNITUDE', 'ANY_NUM', 'ANY_REAL', 'ANY_INT', 'ANY_BIT', 'ANY_STRING', 'ANY_DATE',
]);

/** The one type element inside a `<type>`/`<baseType>` wrapper. */
export function typeElementOf(wrapper: XmlElement | undefined): XmlElement | undefined {
  if (!wrapper) return undefined;
  return childElements(wrapper).find((e) => e.local !== 'addData' && e.local !== 'documentation');
}

/**
 * ST text of a type element (`<INT/>`, `<derived name="X"/>`, `<array>…`), or undefined after a
 * diagnostic. Structures are only valid as named data types and are handled there.
 */
export function typeText(ctx: ImportContext, el: XmlElement): string | undefined {
  const local = el.local;
  if (ELEMENTARY.has(local)) return local;
  switch (local) {
    case 'string':
    case 'wstring': {
      const base = local === 'string' ? 'STRING' : 'WSTRING';
      const len = attr(el, 'length');
      return len !== undefined && len.trim() !== '' ? `${base}[${len.trim()}]` : base;
    }
    case 'derived':
      return ctx.required(el, 'name');
    case 'array': {
      const dims: string[] = [];
      for (const d of childElements(el, 'dimension')) {
        const lo = attr(d, 'lower');
        const hi = attr(d, 'upper');
        if (lo === undefined || hi === undefined) {
          ctx.reportAt('E5007', 'an array <dimension> needs lower and upper bounds', d);
          return undefined;
        }
        dims.push(`${lo.trim()}..${hi.trim()}`);
      }
      if (dims.length === 0) {
        ctx.reportAt('E5003', '<array> needs at least one <dimension>', el);
        return undefined;
      }
      const base = baseTypeText(ctx, el);
      return base === undefined ? undefined : `ARRAY[${dims.join(', ')}] OF ${base}`;
    }
    case 'subrangeSigned':
    case 'subrangeUnsigned': {
      const range = firstChild(el, 'range');
      const lo = range && attr(range, 'lower');
      const hi = range && attr(range, 'upper');
      if (lo === undefined || hi === undefined) {
        ctx.reportAt('E5003', `<${el.name}> needs <range lower=".." upper="..">`, el);
        return undefined;
      }
      const base = baseTypeText(ctx, el);
      return base === undefined ? undefined : `${base}(${lo.trim()}..${hi.trim()})`;
    }
    case 'enum': {
      const values = enumValues(ctx, el);
      if (values === undefined) return undefined;
      const base = firstChild(el, 'baseType');
      const baseText = base ? baseTypeText(ctx, el) : undefined;
      return `${baseText ? baseText + ' ' : ''}(${values.join(', ')})`;
    }
    case 'pointer': {
      const base = baseTypeText(ctx, el);
      return base === undefined ? undefined : `REF_TO ${base}`;
    }
    case 'struct':
      ctx.reportAt('E5006', 'a structure can only be the base type of a named data type', el);
      return undefined;
    default:
      ctx.reportAt('E5006', `unknown type element <${el.name}>`, el);
      return undefined;
  }
}

function baseTypeText(ctx: ImportContext, el: XmlElement): string | undefined {
  const t = typeElementOf(firstChild(el, 'baseType'));
  if (!t) {
    ctx.reportAt('E5003', `<${el.name}> needs a <baseType>`, el);
    return undefined;
  }
  return typeText(ctx, t);
}

/** `A`, `B := 5` for each `<value name value?>` of an enum. */
export function enumValues(ctx: ImportContext, el: XmlElement): string[] | undefined {
  const out: string[] = [];
  for (const v of childElements(firstChild(el, 'values') ?? el, 'value')) {
    const name = ctx.required(v, 'name');
    if (name === undefined) return undefined;
    const value = attr(v, 'value');
    out.push(value !== undefined && value.trim() !== '' ? `${name} := ${value.trim()}` : name);
  }
  if (out.length === 0) {
    ctx.reportAt('E5003', '<enum> needs at least one <value>', el);
    return undefined;
  }
  return out;
}

/**
 * ST initializer text of an `<initialValue>` (simpleValue, arrayValue, structValue), with the
 * offset of its first character in the XML when it is a simple value (for precise positions).
 */
export function initialValueText(ctx: ImportContext, initial: XmlElement): { text: string; offset: number } | undefined {
  const v = childElements(initial).find((e) => e.local.endsWith('Value'));
  if (!v) return undefined;
  const text = valueText(ctx, v);
  if (text === undefined) return undefined;
  const a = v.local === 'simpleValue' ? v.attributes.get('value') : undefined;
  return { text, offset: a ? a.offset : v.offset + 1 };
}

function valueText(ctx: ImportContext, v: XmlElement): string | undefined {
  switch (v.local) {
    case 'simpleValue': {
      const value = attr(v, 'value');
      if (value === undefined) {
        ctx.reportAt('E5003', '<simpleValue> needs a value attribute', v);
        return undefined;
      }
      return value.trim();
    }
    case 'arrayValue': {
      const items: string[] = [];
      for (const item of childElements(v, 'value')) {
        const inner = childElements(item).find((e) => e.local.endsWith('Value'));
        const text = inner ? valueText(ctx, inner) : undefined;
        if (text === undefined) return undefined;
        const rep = attr(item, 'repetitionValue');
        items.push(rep !== undefined && rep.trim() !== '' && rep.trim() !== '1' ? `${rep.trim()}(${text})` : text);
      }
      return `[${items.join(', ')}]`;
    }
    case 'structValue': {
      const fields: string[] = [];
      for (const item of childElements(v, 'value')) {
        const member = ctx.required(item, 'member');
        const inner = childElements(item).find((e) => e.local.endsWith('Value'));
        const text = inner ? valueText(ctx, inner) : undefined;
        if (member === undefined || text === undefined) return undefined;
        fields.push(`${member} := ${text}`);
      }
      return `(${fields.join(', ')})`;
    }
    default:
      ctx.reportAt('E5006', `unknown initial value element <${v.name}>`, v);
      return undefined;
  }
}
