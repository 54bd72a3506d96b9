import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TypeLibrary } from '../../../../compiler/iec61499/library.js';
import { loadSystem } from '../../../../runtime/testing/index.js';

const sys = fileURLToPath(new URL('./event-input.sys', import.meta.url));

describe('IE, FORTE\'s event input on the process image', () => {
  it('declares FORTE\'s interface: INIT/INITO, REQ/CNF, IND; QI PARAMS QO STATUS and no IN', () => {
    const ie = new TypeLibrary([], []).fbType('IE')!.interface;
    expect(ie.eventOutputs.map((e) => [e.name, e.with.join(',')])).toEqual([['INITO', 'QO,STATUS'], ['CNF', 'QO,STATUS'], ['IND', 'QO,STATUS']]);
    expect(ie.outputVars.map((v) => v.name)).toEqual(['QO', 'STATUS']);
  });

  it('sends IND at each change of its bit (once per change), none for the state at INIT', () => {
    const app = loadSystem(sys);
    const ind = app.watch('PLC.RES.DOOR.IND');
    app.setInput('%IX0.5', true).advance('0s');
    expect(app.read('DOOR.QO')).toBe(true);
    app.advance('10ms');
    // the pin was TRUE before INIT sampled it: no change seen, no event
    expect(ind.count).toBe(0);
    app.setInput('%IX0.5', false).advance('3ms');
    expect(ind.count).toBe(1);
    app.advance('20ms');
    expect(ind.count).toBe(1);
    app.setInput('%IX0.5', true).advance('3ms');
    app.setInput('%IX0.4', true).advance('3ms');
    expect(ind.count).toBe(2);
    expect(app.read('CHANGES.CV')).toBe(2);
  });

  it('a PARAMS that is not a bit input answers INITO with QO = FALSE and says why', () => {
    const app = loadSystem(sys);
    app.advance('1ms');
    expect(app.read('WRONG.QO')).toBe(false);
    expect(app.read('WRONG.STATUS')).toMatch(/'%IW0' is a WORD address; this block needs a BOOL one/);
  });
});
