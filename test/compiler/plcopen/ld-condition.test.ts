/**
 * LD drawn in another body (an SFC transition's condition refers to contacts in the chart):
 * LdNetwork.condition() gives the power flow into a connection point as an ST expression and
 * writes the statements it needs first (edge contacts, blocks).
 */
import { describe, expect, it } from 'vitest';
import { ImportContext } from '../../../compiler/plcopen/context.js';
import { LdNetwork } from '../../../compiler/plcopen/ld.js';
import { StWriter } from '../../../compiler/plcopen/st-writer.js';
import { firstChild, parseXml, type XmlElement } from '../../../compiler/plcopen/xml.js';
import { formatDiagnostic } from '../../../compiler/diagnostics/diagnostic.js';

const XML = `<SFC>
  <step localId="1" name="Init" initialStep="true"/>
  <actionBlock localId="9"/>
  <leftPowerRail localId="2"><position x="0" y="0"/><connectionPointOut formalParameter=""/></leftPowerRail>
  <contact localId="3"><position x="10" y="0"/><connectionPointIn><connection refLocalId="2"/></connectionPointIn><variable>a</variable></contact>
  <contact localId="4" negated="true"><position x="10" y="30"/><connectionPointIn><connection refLocalId="2"/></connectionPointIn><variable>b</variable></contact>
  <contact localId="5" edge="rising"><position x="40" y="0"/><connectionPointIn><connection refLocalId="3"/><connection refLocalId="4"/></connectionPointIn><variable>c</variable></contact>
  <transition localId="6"><condition><connectionPointIn><connection refLocalId="5"/></connectionPointIn></condition></transition>
  <transition localId="7"><condition><connectionPointIn><connection refLocalId="42"/></connectionPointIn></condition></transition>
</SFC>`;

function setup() {
  const ctx = new ImportContext('chart.xml', XML);
  const parsed = parseXml(XML);
  const body = parsed.root!;
  const scope = { ctx, index: { pous: new Map(), globals: new Map() }, pou: { name: 'P', pouType: 'functionBlock' as const, vars: new Map([['A', 'BOOL'], ['B', 'BOOL'], ['C', 'BOOL']]) }, temps: [] };
  const point = (id: string): XmlElement =>
    firstChild(firstChild(body.children.find((c): c is XmlElement => c.kind === 'element' && c.attributes.get('localId')?.value === id)!, 'condition')!, 'connectionPointIn')!;
  return { ctx, body, scope, point };
}

describe('LD conditions for SFC transitions', () => {
  it('the power flow into a transition, with the edge contact it needs written first', () => {
    const { ctx, body, scope, point } = setup();
    const w = new StWriter();
    const expr = new LdNetwork(scope, body, { ignoreForeign: true, tag: 'T6_' }).condition(point('6'), w, '  ');
    expect(ctx.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(expr).toBe('(a OR NOT b) AND _TMP_T6_R_TRIG5.Q');
    expect(w.lines).toEqual(['  _TMP_T6_R_TRIG5(CLK := c);']);
    expect(scope.temps.map((t: { name: string; type: string }) => `${t.name} : ${t.type}`)).toEqual(['_TMP_T6_R_TRIG5 : R_TRIG']);
  });

  it('a condition connected to nothing that exists is a located error', () => {
    const { ctx, body, scope, point } = setup();
    const expr = new LdNetwork(scope, body, { ignoreForeign: true }).condition(point('7'), new StWriter(), '');
    expect(expr).toBeUndefined();
    expect(ctx.diagnostics.map(formatDiagnostic)).toEqual(['chart.xml:9:58: error E5021: dangling connection: localId 42 is not in this network']);
  });
});
