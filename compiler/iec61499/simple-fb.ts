import type { FbTypeDeclaration, VarDeclaration } from './model.js';

export type Port = [name: string, type: string];

/**
 * A 4diac SimpleFB of one event REQ sampling every input, one ST algorithm REQ, one event CNF
 * publishing every output; `packageName` as the .fbt's CompilerInfo declares it.
 */
export function simpleFb(name: string, inputs: Port[], outputs: Port[], body: string, internals: Port[] = [], packageName?: string): FbTypeDeclaration {
  const v = ([n, t]: Port): VarDeclaration => ({ name: n, type: t });
  return {
    name,
    ...(packageName ? { packageName } : {}),
    kind: 'simple',
    file: `<built-in ${name}>`,
    interface: {
      eventInputs: [{ name: 'REQ', with: inputs.map(([n]) => n) }],
      eventOutputs: [{ name: 'CNF', with: outputs.map(([n]) => n) }],
      inputVars: inputs.map(v),
      outputVars: outputs.map(v),
      inOutVars: [],
      plugs: [],
      sockets: [],
    },
    internalVars: internals.map(v),
    states: [],
    transitions: [],
    algorithms: [{ name: 'REQ', text: `ALGORITHM REQ\n${body}\nEND_ALGORITHM`, line: 1, col: 1 }],
  };
}
