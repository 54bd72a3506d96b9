/**
 * Source text and positions. Every diagnostic and every runtime fault points back into a
 * SourceFile by 1-based line and column. Text generated from another file (ST bodies taken
 * out of PLCopen or 4diac XML) carries, per generated line, the position of that line in the
 * original file, so that messages point at what the user wrote.
 */

export interface Position {
  /** 1-based line */
  line: number;
  /** 1-based column */
  col: number;
}

export interface SourceRange {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** Where a generated line came from: the original line and the column its first character had. */
export interface LineOrigin {
  line: number;
  col: number;
}

export class SourceFile {
  /** offsets where each line starts, made at the first position asked for */
  private starts: number[] | undefined;

  /**
   * @param path file name shown in messages (as the user gave it)
   * @param text the text to compile
   * @param origins for generated text: origins[i] is where generated line i+1 came from
   */
  constructor(
    readonly path: string,
    readonly text: string,
    readonly origins?: readonly LineOrigin[],
  ) {}

  private get lineStarts(): number[] {
    if (this.starts) return this.starts;
    const starts = [0];
    const text = this.text;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return (this.starts = starts);
  }

  /** Line and column of a character offset, mapped through the origins when there are any. */
  position(offset: number): Position {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    const line = lo + 1;
    const col = offset - starts[lo]! + 1;
    return this.mapLineCol(line, col);
  }

  /** Map a line/column of this text to the original file's line/column. */
  mapLineCol(line: number, col: number): Position {
    const origin = this.origins?.[line - 1];
    if (!origin) return { line, col };
    return { line: origin.line, col: origin.col + col - 1 };
  }

  /** A range from start offset (inclusive) to end offset (exclusive). */
  range(startOffset: number, endOffset: number): SourceRange {
    const s = this.position(startOffset);
    const e = this.position(Math.max(startOffset, endOffset));
    return { file: this.path, line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  }
}

/** A range for things that have no better position than a file's start. */
export function fileStart(file: string): SourceRange {
  return { file, line: 1, col: 1, endLine: 1, endCol: 1 };
}
