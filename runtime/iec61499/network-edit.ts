import type { Application } from '../../compiler/application.js';
import type { AdapterConnection, Connection, ResourceNetwork } from '../../compiler/iec61499/model.js';
import { loadModule } from '../load.js';
import type { Resource61499 } from './resource.js';

/**
 * The difference between two compilations of a resource's network (composites flattened, so
 * one CREATE of a composite is several leaf FBs), as an in-place edit of the executing
 * resource: what goes, what comes; everything else keeps its state.
 */
export interface NetworkEdit {
  /** leaf FBs taken out (deleted, or whose concrete type changed) */
  removedFbs: string[];
  /** leaf FBs created, at their initial values */
  addedFbs: { name: string; type: string }[];
  /** leaf FBs that stay as they are */
  kept: number;
  removedConnections: Connection[];
  addedConnections: Connection[];
  addedAdapterConnections: AdapterConnection[];
  /** why the change cannot be made in place; undefined when it can */
  notInPlace?: string;
}

const ref = (p: { fb: string; port: string }): string => `${p.fb}.${p.port}`;
const connKey = (c: Connection): string => `${ref(c.source)}>${ref(c.destination)}|${c.convert ?? ''}`;
const adapterKey = (c: AdapterConnection): string => `${ref(c.plug)}>${ref(c.socket)}`;

export function planEdit(old: ResourceNetwork, next: ResourceNetwork): NetworkEdit {
  const oldTypes = new Map(old.fbs.map((f) => [f.name, f.concreteType]));
  const newTypes = new Map(next.fbs.map((f) => [f.name, f.concreteType]));
  const removed = new Set(old.fbs.filter((f) => newTypes.get(f.name) !== f.concreteType).map((f) => f.name));
  const added = next.fbs.filter((f) => oldTypes.get(f.name) !== f.concreteType).map((f) => ({ name: f.name, type: f.concreteType }));
  const addedNames = new Set(added.map((f) => f.name));
  const touches = (c: Connection, names: Set<string>): boolean => names.has(c.source.fb) || names.has(c.destination.fb);
  const oldConns = [...old.eventConnections, ...old.dataConnections];
  const newConns = [...next.eventConnections, ...next.dataConnections];
  const oldKeys = new Set(oldConns.map(connKey));
  const newKeys = new Set(newConns.map(connKey));
  const edit: NetworkEdit = {
    removedFbs: [...removed],
    addedFbs: added,
    kept: next.fbs.length - added.length,
    // a connection of a replaced FB goes with it and is made again to the new one
    removedConnections: oldConns.filter((c) => !newKeys.has(connKey(c)) || touches(c, removed)),
    addedConnections: newConns.filter((c) => !oldKeys.has(connKey(c)) || touches(c, addedNames)),
    addedAdapterConnections: [],
  };
  const oldAdapters = new Set(old.adapterConnections.map(adapterKey));
  const newAdapters = new Set(next.adapterConnections.map(adapterKey));
  edit.addedAdapterConnections = next.adapterConnections.filter((c) => !oldAdapters.has(adapterKey(c)) || addedNames.has(c.plug.fb) || addedNames.has(c.socket.fb));
  // two FBs that stay share an adapter's data object: parting them needs a fresh object each
  const parted = old.adapterConnections.find((c) => !newAdapters.has(adapterKey(c)) && !removed.has(c.plug.fb) && !removed.has(c.socket.fb));
  if (parted) edit.notInPlace = `the adapter connection ${ref(parted.plug)} to ${ref(parted.socket)} is removed`;
  return edit;
}

/**
 * Apply an edit to the executing resource, between two event chains (the caller makes sure
 * none is running; `app` is the compiled new network, absent when no FB is left but START): connections and FBs that went are taken out, the new FBs are created
 * with their parameters, connected and started; the others are not touched.
 */
export function applyEdit(resource: Resource61499, edit: NetworkEdit, app: Application | undefined, next: ResourceNetwork): void {
  if (app && edit.addedFbs.length > 0) {
    // classes of the new types read the executing resource's clock
    const module = loadModule(app, resource.support);
    resource.learnTypes(app.iec61499!.types, module.pous, app.pouTypes);
  }
  const removed = new Set(edit.removedFbs);
  for (const c of edit.removedConnections) {
    if (!removed.has(c.source.fb) && !removed.has(c.destination.fb)) resource.disconnect(ref(c.source), ref(c.destination));
  }
  for (const name of edit.removedFbs) resource.deleteFb(name);
  for (const f of edit.addedFbs) resource.createFb(f.name, f.type);
  for (const c of edit.addedAdapterConnections) resource.connectAdapter(ref(c.plug), ref(c.socket));
  for (const c of edit.addedConnections) resource.connect(ref(c.source), ref(c.destination), c.convert);
  const addedNames = new Set(edit.addedFbs.map((f) => f.name));
  for (const p of next.parameters) if (addedNames.has(p.fb)) resource.writeParameter(`${p.fb}.${p.port}`, p.value);
  for (const f of edit.addedFbs) resource.restartFb(f.name, 'COLD');
}
