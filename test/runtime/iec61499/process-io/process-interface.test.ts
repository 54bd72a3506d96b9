import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TypeLibrary } from '../../../../compiler/iec61499/library.js';
import { loadSystem, ConveyorModel } from '../../../../runtime/testing/index.js';

const sys = fileURLToPath(new URL('./io-loop.sys', import.meta.url));

describe('process-interface FBs (IX, QX, IW, QW…) on the virtual clock', () => {
  it('declare 4diac FORTE’s interfaces: INIT/INITO, REQ/CNF (inputs: IND), QI PARAMS QO STATUS IN/OUT', () => {
    const lib = new TypeLibrary([], []);
    const iface = (name: string) => lib.fbType(name)!.interface;
    const ix = iface('IX');
    expect(ix.eventInputs.map((e) => ({ name: e.name, with: e.with }))).toEqual([{ name: 'INIT', with: ['QI', 'PARAMS'] }, { name: 'REQ', with: ['QI'] }]);
    expect(ix.eventOutputs.map((e) => [e.name, e.with.join(',')])).toEqual([['INITO', 'QO,STATUS'], ['CNF', 'QO,STATUS,IN'], ['IND', 'QO,STATUS,IN']]);
    expect(ix.inputVars.map((v) => `${v.name}:${v.type}`)).toEqual(['QI:BOOL', 'PARAMS:STRING']);
    expect(ix.outputVars.map((v) => `${v.name}:${v.type}`)).toEqual(['QO:BOOL', 'STATUS:STRING', 'IN:BOOL']);
    const qx = iface('QX');
    expect(qx.eventInputs.map((e) => ({ name: e.name, with: e.with }))).toEqual([{ name: 'INIT', with: ['QI', 'PARAMS'] }, { name: 'REQ', with: ['QI', 'OUT'] }]);
    expect(qx.eventOutputs.map((e) => [e.name, e.with.join(',')])).toEqual([['INITO', 'QO,STATUS'], ['CNF', 'QO,STATUS']]);
    expect(qx.inputVars.map((v) => `${v.name}:${v.type}`)).toEqual(['QI:BOOL', 'PARAMS:STRING', 'OUT:BOOL']);
    const types = Object.fromEntries(['IB', 'IW', 'ID', 'IL'].map((n) => [n, iface(n).outputVars[2]!.type]));
    expect(types).toEqual({ IB: 'BYTE', IW: 'WORD', ID: 'DWORD', IL: 'LWORD' });
    const outs = Object.fromEntries(['QB', 'QW', 'QD', 'QL'].map((n) => [n, iface(n).inputVars[2]!.type]));
    expect(outs).toEqual({ QB: 'BYTE', QW: 'WORD', QD: 'DWORD', QL: 'LWORD' });
  });

  it('E_CYCLE → IX → F_NOT → QX and IW → QW: each tick samples the inputs and writes the outputs', () => {
    const app = loadSystem(sys);
    const lamp = app.watch('PLC.RES.LAMP.CNF');
    app.advance('0s');
    expect(app.read('SENSOR.QO')).toBe(true);
    expect(app.read('SENSOR.STATUS')).toBe('OK');
    expect(app.image('%QX0.1')).toBe(false); // nothing written before the first tick
    app.setInput('%IX0.0', false).setInput('%IW0', 1234).advance('10ms');
    expect(lamp.count).toBe(1);
    expect(app.image('%QX0.1')).toBe(true);
    expect(app.image('%QW2', 'UINT')).toBe(1234);
    app.setInput('%IX0.0', true).setInput('%IW0', 65535, 'UINT').advance('10ms');
    expect(app.read('SENSOR.IN')).toBe(true);
    expect(app.image('%QX0.1')).toBe(false);
    expect(app.image('%QW2', 'UINT')).toBe(65535);
    // between ticks nothing samples: a change shows at the next tick only
    app.setInput('%IX0.0', false).advance('9ms');
    expect(app.image('%QX0.1')).toBe(false);
    app.advance('1ms');
    expect(app.image('%QX0.1')).toBe(true);
    expect(lamp.count).toBe(3);
    expect(app.faults).toEqual([]);
  });

  it('a bad PARAMS answers INITO with QO = FALSE and a STATUS that says why; REQ then does nothing', () => {
    const app = loadSystem(sys);
    const inito = app.watch('PLC.RES.BAD.INITO');
    app.advance('10ms');
    expect(inito.count).toBe(1);
    expect(app.read('BAD.QO')).toBe(false);
    expect(app.read('BAD.STATUS')).toContain('the bit number must be 0 to 7');
    const cases: [string, string][] = [
      ["'%IX0.0'", 'is an input; an output block writes %Q or %M'],
      ["'%QW1'", 'is a WORD address; this block needs a BOOL one'],
      ["''", 'PARAMS is empty'],
      ["'lamp'", 'is not a process image address'],
    ];
    for (const [params, why] of cases) {
      app.write('BAD.PARAMS', params).fire('PLC.RES.BAD.INIT');
      expect(app.read('BAD.QO')).toBe(false);
      expect(app.read('BAD.STATUS')).toContain(why);
      app.write('BAD.OUT', true).fire('PLC.RES.BAD.REQ');
      expect(app.read('BAD.QO')).toBe(false);
      expect(app.read('BAD.STATUS')).toMatch(/not initialised/);
    }
    expect(app.image('%QX0.0')).toBe(false);
    // fixed: the block now writes its pin
    app.write('BAD.PARAMS', "'%QX3.4'").fire('PLC.RES.BAD.INIT');
    expect([app.read('BAD.QO'), app.read('BAD.STATUS')]).toEqual([true, 'OK']);
    app.write('BAD.OUT', true).fire('PLC.RES.BAD.REQ');
    expect([app.read('BAD.QO'), app.image('%QX3.4')]).toEqual([true, true]);
    // QI = FALSE: INIT releases the pin, REQ is refused
    app.write('BAD.QI', false).fire('PLC.RES.BAD.INIT');
    expect(app.read('BAD.QO')).toBe(false);
    app.write('BAD.OUT', false).fire('PLC.RES.BAD.REQ');
    expect(app.image('%QX3.4')).toBe(true);
  });

  it('an input block sends IND when its pin changes between two instants (once per change)', () => {
    const app = loadSystem(sys);
    const ind = app.watch('PLC.RES.WATCH.IND');
    app.advance('10ms');
    expect(ind.count).toBe(0);
    app.setInput('%IX0.2', true).advance('3ms');
    expect(ind.count).toBe(1);
    expect(app.read('WATCH.IN')).toBe(true);
    app.advance('30ms');
    expect(ind.count).toBe(1);
    app.setInput('%IX0.2', false).advance('10ms');
    expect(ind.count).toBe(2);
    expect(app.read('EDGES.CV')).toBe(2);
  });

  it('the first look after INIT reports a pin that already differs from IN (the start state) with IND', () => {
    const app = loadSystem(sys);
    const ind = app.watch('PLC.RES.WATCH.IND');
    app.setInput('%IX0.2', true).advance('0s');
    expect(ind.times).toEqual([0]);
    expect(app.read('WATCH.IN')).toBe(true);
    expect(app.read('EDGES.CV')).toBe(1);
  });

  it('a simulated plant wired to process image addresses closes the loop through IX/QX', () => {
    const app = loadSystem(sys);
    // the photo eye is %IX0.0; the belt runs while %QX0.1 (NOT eye) is TRUE: it stops at the first part
    const belt = new ConveyorModel({ length: 2, speed: 0.5, partEvery: 100, sensorWidth: 0.1 });
    const plant = app.bindPlant(belt, { run: '%QX0.1', partAtEnd: '%IX0.0' });
    app.advance('1s');
    expect(plant.signal('run')).toBe(true);
    app.advance('9s');
    expect(app.image('%IX0.0')).toBe(true);
    expect(app.image('%QX0.1')).toBe(false);
    expect(plant.signal('run')).toBe(false);
    expect(plant.signal('partAtEnd')).toBe(true);
    const at = belt.values[belt.index('position')];
    app.advance('5s');
    expect(belt.values[belt.index('position')]).toBe(at);
  });
});
