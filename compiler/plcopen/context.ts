/**
 * What every part of the PLCopen importer shares: the XML file for positions and the list of
 * diagnostics being collected.
 */
import { SourceFile, type Position, type SourceRange } from '../source.js';
import type { Diagnostic } from '../diagnostics/diagnostic.js';
import { diagnostic, type Code } from '../diagnostics/registry.js';
import { attr, type XmlElement } from './xml.js';

export class ImportContext {
  readonly xml: SourceFile;
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly path: string, xmlText: string) {
    this.xml = new SourceFile(path, xmlText);
  }

  position(offset: number): Position {
    return this.xml.position(offset);
  }

  /** Position of an element's name (just after its `<`). */
  at(el: XmlElement): Position {
    return this.xml.position(el.offset + 1);
  }

  /** Position of an attribute's value, or of the element when the attribute is absent. */
  attrAt(el: XmlElement, name: string): Position {
    const a = el.attributes.get(name);
    return a ? this.xml.position(a.offset) : this.at(el);
  }

  range(offset: number, length = 1): SourceRange {
    return this.xml.range(offset, offset + length);
  }

  report(code: Code, message: string, offset: number, length = 1): void {
    this.diagnostics.push(diagnostic(code, message, this.range(offset, length)));
  }

  /** Report at an element's name. */
  reportAt(code: Code, message: string, el: XmlElement): void {
    this.report(code, message, el.offset + 1, el.name.length);
  }

  /** An attribute the schema requires; reports E5003 when absent or empty. */
  required(el: XmlElement, name: string): string | undefined {
    const v = attr(el, name);
    if (v === undefined || v.trim() === '') {
      this.reportAt('E5003', `<${el.name}> needs a '${name}' attribute`, el);
      return undefined;
    }
    return v.trim();
  }
}
