import { describe, expect, it } from 'vitest';
import { importPlcopen, type PlcopenImport } from '../../../compiler/plcopen/import.js';
import { intervalLiteral } from '../../../compiler/plcopen/configuration.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';
import { lookupCode } from '../../../compiler/diagnostics/registry.js';
import { PLCOPEN_CODES } from '../../../compiler/diagnostics/plcopen-codes.js';

const NS = 'http://www.plcopen.org/xml/tc6_0201';

/** A project around some POUs (and optionally instances); line 1 is the XML declaration. */
function project(pous: string, instances = ''): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<project xmlns="${NS}" xmlns:xhtml="http://www.w3.org/1999/xhtml">
  <types>
    <dataTypes/>
    <pous>
${pous}
    </pous>
  </types>
  <instances><configurations>${instances}</configurations></instances>
</project>
`;
}

function messages(r: PlcopenImport): string[] {
  return r.diagnostics.map(formatDiagnostic);
}

/** Where the generated line containing `needle` maps to in the XML. */
function originOf(r: PlcopenImport, needle: string): { line: number; col: number } {
  const src = r.sources[0]!;
  const lines = src.text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  expect(i, `generated ST has a line with '${needle}'`).toBeGreaterThanOrEqual(0);
  return src.mapLineCol(i + 1, lines[i]!.indexOf(needle) + 1);
}

describe('importPlcopen: document problems become diagnostics', () => {
  it('reports malformed XML at the line and column of the problem', () => {
    const xml = `<?xml version="1.0"?>\n<project xmlns="${NS}">\n  <types>\n    <pous>\n  </types>\n</project>\n`;
    const r = importPlcopen('bad.xml', xml);
    expect(r.sources).toEqual([]);
    expect(messages(r)).toEqual(['bad.xml:5:3: error E5001: end tag </types> does not match <pous>']);
  });

  it('reports an unclosed element, an unquoted attribute and an unknown entity', () => {
    expect(messages(importPlcopen('a.xml', `<project xmlns="${NS}">\n<types>`))).toEqual([
      'a.xml:2:1: error E5001: element <types> is not closed',
    ]);
    expect(messages(importPlcopen('b.xml', `<project xmlns=${NS}/>`))[0]).toMatch(/^b\.xml:1:16: error E5001: attribute 'xmlns' needs a quoted value/);
    expect(messages(importPlcopen('c.xml', `<project xmlns="${NS}">\n  &nbsp;</project>`))).toEqual([
      "c.xml:2:3: error E5001: unknown entity '&nbsp;'",
    ]);
    expect(messages(importPlcopen('d.xml', ''))).toEqual(['d.xml:1:1: error E5001: the document has no root element']);
  });

  it('rejects documents that are not PLCopen TC6 projects', () => {
    const r = importPlcopen('x.xml', '<?xml version="1.0"?>\n<project xmlns="http://example.com/other"/>');
    expect(messages(r)).toEqual([
      "x.xml:2:2: error E5002: not a PLCopen TC6 project: its namespace is 'http://example.com/other'; expected <project xmlns=\"http://www.plcopen.org/xml/tc6_0201\"> (or tc6_0200)",
    ]);
    const fbt = importPlcopen('t.fbt', '<FBType Name="X"/>');
    expect(fbt.diagnostics[0]!.code).toBe('E5002');
    expect(fbt.diagnostics[0]!.message).toContain('the root element is <FBType>');
  });

  it('accepts a prefixed root element in the tc6_0200 namespace', () => {
    const xml = `<ppx:project xmlns:ppx="http://www.plcopen.org/xml/tc6_0200"><ppx:types><ppx:pous><ppx:pou name="P" pouType="program"><ppx:body><ppx:ST><ppx:xhtml>x := 1;</ppx:xhtml></ppx:ST></ppx:body></ppx:pou></ppx:pous></ppx:types></ppx:project>`;
    const r = importPlcopen('p.xml', xml);
    expect(messages(r)).toEqual([]);
    expect(r.sources[0]!.text).toBe('PROGRAM P\nx := 1;\nEND_PROGRAM\n');
  });

  it('reports missing attributes and elements with their position', () => {
    const xml = project(`      <pou pouType="program">
        <body><ST><xhtml:p><![CDATA[;]]></xhtml:p></ST></body>
      </pou>
      <pou name="F" pouType="function">
        <interface>
          <inputVars><variable name="a"/></inputVars>
        </interface>
        <body><ST><xhtml:p><![CDATA[F := 1;]]></xhtml:p></ST></body>
      </pou>
      <pou name="Q" pouType="class"/>`);
    const r = importPlcopen('m.xml', xml);
    expect(messages(r)).toEqual([
      "m.xml:6:8: error E5003: <pou> needs a 'name' attribute",
      "m.xml:9:8: error E5003: function 'F' needs <interface><returnType>",
      "m.xml:11:23: error E5003: variable 'a' needs a <type>",
      "m.xml:15:30: error E5007: pouType 'class' is not program, functionBlock or function",
    ]);
  });

  it('reports an invalid task interval and accepts ISO 8601 durations', () => {
    const pou = `      <pou name="P" pouType="program"><body><ST><xhtml:p><![CDATA[;]]></xhtml:p></ST></body></pou>`;
    const r = importPlcopen('t.xml', project(pou, `
      <configuration name="C"><resource name="R">
        <task name="T" priority="1" interval="often"><pouInstance name="p" typeName="P"/></task>
      </resource></configuration>`));
    expect(messages(r)).toEqual([
      "t.xml:11:47: error E5007: task interval 'often' is neither an IEC duration (T#10ms) nor an ISO 8601 duration (PT0.01S)",
    ]);
    expect(intervalLiteral('PT0.01S')).toBe('T#10ms');
    expect(intervalLiteral('PT1M30S')).toBe('T#90000ms');
    expect(intervalLiteral('PT0.0005S')).toBe('T#500us');
    expect(intervalLiteral('P1DT1H')).toBe('T#90000000ms');
    expect(intervalLiteral('t#20ms')).toBe('t#20ms');
    expect(intervalLiteral('PT')).toBeUndefined();
    expect(intervalLiteral('20')).toBeUndefined();
  });

  it('never throws on hostile input', () => {
    for (const text of ['<', '<a', '<a b="1', '<![CDATA[', '<project xmlns="' + NS + '"><types><pous><pou name="P" pouType="program"><body><FBD><block localId="1"/></FBD></body></pou></pous></types></project>', '\u0000\u0001', '<a>&#0;</a>', '<a>&#x110000;</a>']) {
      const r = importPlcopen('h.xml', text);
      expect(r.diagnostics.length, text).toBeGreaterThan(0);
      for (const d of r.diagnostics) expect(d.range.line).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('importPlcopen: positions', () => {
  it('maps ST body lines to the XML lines of the CDATA, column for column', () => {
    const xml = project(`      <pou name="P" pouType="program">
        <interface><localVars><variable name="x"><type><INT/></type></variable></localVars></interface>
        <body>
          <ST>
            <xhtml:p><![CDATA[x := 1;
  x := x + 1;]]></xhtml:p>
          </ST>
        </body>
      </pou>`);
    const r = importPlcopen('pos.xml', xml);
    expect(messages(r)).toEqual([]);
    // line 10 of the XML: `            <xhtml:p><![CDATA[x := 1;` — x is at column 31
    expect(originOf(r, 'x := 1;')).toEqual({ line: 10, col: 31 });
    expect(originOf(r, 'x := x + 1;')).toEqual({ line: 11, col: 3 });
    // the declaration's name maps to the name attribute, its type to the type element
    expect(originOf(r, 'x :')).toEqual({ line: 7, col: 47 });
    expect(originOf(r, 'INT;')).toEqual({ line: 7, col: 57 });
    // `PROGRAM P`: the name P maps to the value of the name attribute
    const header = r.sources[0]!.mapLineCol(1, 'PROGRAM '.length + 1);
    expect(header).toEqual({ line: 6, col: 18 });
  });

  it('maps CODESYS-style escaped text bodies and decodes their entities', () => {
    const xml = project(`      <pou name="P" pouType="program">
        <body><ST><xhtml xmlns="http://www.w3.org/1999/xhtml">IF a &lt; b THEN
  c := 'x&amp;y';
END_IF;</xhtml></ST></body>
      </pou>`);
    const r = importPlcopen('cs.xml', xml);
    expect(r.sources[0]!.text).toBe("PROGRAM P\nIF a < b THEN\n  c := 'x&y';\nEND_IF;\nEND_PROGRAM\n");
    expect(originOf(r, 'IF a')).toEqual({ line: 7, col: 63 });
    expect(originOf(r, 'END_IF;')).toEqual({ line: 9, col: 1 });
  });

  it('maps each FBD statement to its element', () => {
    const xml = project(`      <pou name="P" pouType="program">
        <interface><localVars><variable name="a"><type><INT/></type></variable><variable name="b"><type><INT/></type></variable></localVars></interface>
        <body><FBD>
          <inVariable localId="1"><expression>a</expression></inVariable>
          <outVariable localId="2">
            <connectionPointIn><connection refLocalId="1"/></connectionPointIn>
            <expression>b</expression>
          </outVariable>
        </FBD></body>
      </pou>`);
    const r = importPlcopen('f.xml', xml);
    expect(messages(r)).toEqual([]);
    expect(originOf(r, 'b := a;')).toEqual({ line: 10, col: 12 });
  });
});

describe('importPlcopen: FBD problems', () => {
  const fbd = (inner: string) =>
    project(`      <pou name="P" pouType="program">
        <interface><localVars><variable name="a"><type><INT/></type></variable></localVars></interface>
        <body><FBD>
${inner}
        </FBD></body>
      </pou>`);

  it('reports a connection to a localId that does not exist', () => {
    const r = importPlcopen('f.xml', fbd(`          <outVariable localId="2"><connectionPointIn><connection refLocalId="9"/></connectionPointIn><expression>a</expression></outVariable>`));
    expect(messages(r)).toEqual(['f.xml:9:56: error E5005: connection to localId 9, which does not exist']);
  });

  it('reports duplicate localIds and jumps', () => {
    const r = importPlcopen('f.xml', fbd(`          <inVariable localId="1"><expression>a</expression></inVariable>
          <inVariable localId="1"><expression>a</expression></inVariable>
          <jump localId="3" label="L"/>
          <block localId="4" typeName="ADD"><inputVariables>
            <variable formalParameter="IN1"><connectionPointIn><connection refLocalId="1"/></connectionPointIn></variable>
            <variable formalParameter="IN2"><connectionPointIn><connection refLocalId="1"/></connectionPointIn></variable>
          </inputVariables><outputVariables><variable formalParameter="OUT"/></outputVariables></block>
          <outVariable localId="5"><connectionPointIn><connection refLocalId="4" formalParameter="Q"/></connectionPointIn><expression>a</expression></outVariable>`));
    expect(messages(r)).toEqual([
      'f.xml:10:12: error E5005: localId 1 is used twice in this network',
      'f.xml:11:12: error E5006: FBD <jump> is not supported yet',
    ]);
  });

  it('reports an output pin that does not exist and an unconnected operator input', () => {
    const r = importPlcopen('f.xml', fbd(`          <inVariable localId="1"><expression>a</expression></inVariable>
          <block localId="4" typeName="ADD"><inputVariables>
            <variable formalParameter="IN1"><connectionPointIn><connection refLocalId="1"/></connectionPointIn></variable>
            <variable formalParameter="IN2"><connectionPointIn/></variable>
          </inputVariables><outputVariables><variable formalParameter="OUT"/></outputVariables></block>
          <outVariable localId="5"><connectionPointIn><connection refLocalId="4" formalParameter="Q"/></connectionPointIn><expression>a</expression></outVariable>
          <outVariable localId="6"><connectionPointIn><connection refLocalId="4" formalParameter="OUT"/></connectionPointIn><expression>a</expression></outVariable>`));
    expect(messages(r)).toEqual([
      "f.xml:12:14: error E5005: input IN2 of ADD (localId 4) is not connected",
      "f.xml:14:56: error E5005: block ADD (localId 4) has no output 'Q'",
    ]);
  });

  it('warns about an unconnected output variable', () => {
    const r = importPlcopen('f.xml', fbd(`          <outVariable localId="2"><connectionPointIn/><expression>a</expression></outVariable>`));
    expect(messages(r)).toEqual(["f.xml:9:12: warning W5001: output variable 'a' is not connected"]);
  });
});

describe('PLCopen diagnostic codes', () => {
  it('registers every code with a title and an explanation', () => {
    for (const c of PLCOPEN_CODES) {
      expect(c.code).toMatch(/^[EW]5\d{3}$/);
      expect(lookupCode(c.code)).toBe(c);
      expect(c.explanation.length).toBeGreaterThan(40);
    }
  });
});
