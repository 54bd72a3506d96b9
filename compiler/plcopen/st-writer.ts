/**
 * Accumulates generated Structured Text, one line at a time, each with the XML position it was
 * made from, so that `new SourceFile(xmlPath, text, origins)` maps every diagnostic back to XML.
 */
import type { LineOrigin } from '../source.js';
import type { Position } from '../source.js';

export class StWriter {
  readonly lines: string[] = [];
  readonly origins: LineOrigin[] = [];

  /**
   * Add one line. `anchor` is the index in `text` of the character that `at` designates: the
   * column mapping is shifted so that this character maps to `at.col` exactly.
   */
  line(text: string, at: Position, anchor = 0): void {
    if (text.includes('\n')) throw new Error('StWriter.line takes a single line');
    this.lines.push(text);
    this.origins.push({ line: at.line, col: Math.max(1, at.col - anchor) });
  }

  /** Append everything another writer produced. */
  append(other: StWriter): void {
    for (let i = 0; i < other.lines.length; i++) {
      this.lines.push(other.lines[i]!);
      this.origins.push(other.origins[i]!);
    }
  }

  get text(): string {
    return this.lines.length === 0 ? '' : this.lines.join('\n') + '\n';
  }
}
