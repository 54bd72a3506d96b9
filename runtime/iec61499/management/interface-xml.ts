import type { EventDeclaration, FbTypeDeclaration, VarDeclaration } from '../../../compiler/iec61499/model.js';
import { escapeXml } from './request.js';

const events = (tag: string, list: EventDeclaration[]): string =>
  list.length === 0
    ? ''
    : `<${tag}>${list.map((e) => `<Event Name="${escapeXml(e.name)}" Type="Event">${e.with.map((w) => `<With Var="${escapeXml(w)}"/>`).join('')}</Event>`).join('')}</${tag}>`;

const vars = (tag: string, list: VarDeclaration[]): string =>
  list.length === 0
    ? ''
    : `<${tag}>${list
        .map((v) => `<VarDeclaration Name="${escapeXml(v.name)}" Type="${escapeXml(v.type)}"${v.arraySize ? ` ArraySize="${escapeXml(v.arraySize)}"` : ''}${v.initialValue !== undefined ? ` InitialValue="${escapeXml(v.initialValue)}"` : ''}/>`)
        .join('')}</${tag}>`;

/** A type's interface as 4diac XML (<FBType><InterfaceList>…), the answer to QUERY of one FBType. */
export function interfaceXml(decl: FbTypeDeclaration): string {
  const i = decl.interface;
  const adapters = (tag: string, list: { name: string; type: string }[]) =>
    list.length === 0 ? '' : `<${tag}>${list.map((a) => `<AdapterDeclaration Name="${escapeXml(a.name)}" Type="${escapeXml(a.type)}"/>`).join('')}</${tag}>`;
  const tag = decl.kind === 'adapter' ? 'AdapterType' : 'FBType';
  return (
    `<${tag} Name="${escapeXml(decl.name)}"><InterfaceList>` +
    events('EventInputs', i.eventInputs) +
    events('EventOutputs', i.eventOutputs) +
    vars('InputVars', i.inputVars) +
    vars('OutputVars', i.outputVars) +
    vars('InOutVars', i.inOutVars) +
    adapters('Plugs', i.plugs) +
    adapters('Sockets', i.sockets) +
    `</InterfaceList></${tag}>`
  );
}
