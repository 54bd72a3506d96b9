/** Building blocks of 4diac .sys text for tests: FBs with parameters, connections, resources, devices. */

/** An FB with its parameters (an apostrophe in a value, as in a STRING literal, is escaped). */
export const fbXml = (name: string, type: string, params: Record<string, string> = {}): string =>
  `<FB Name="${name}" Type="${type}">${Object.entries(params).map(([k, v]) => `<Parameter Name="${k}" Value="${v.replace(/'/g, '&apos;')}"/>`).join('')}</FB>`;

export const connectionXml = (source: string, destination: string): string => `<Connection Source="${source}" Destination="${destination}"/>`;

/** An EMB_RES resource with its network. */
export const resourceXml = (name: string, fbs: string[], events: string[], data: string[]): string =>
  `<Resource Name="${name}" Type="EMB_RES"><FBNetwork>${fbs.join('')}<EventConnections>${events.join('')}</EventConnections><DataConnections>${data.join('')}</DataConnections></FBNetwork></Resource>`;

/** A FORTE_PC device with one resource RES; `mgrId` is written as 4diac writes MGR_ID ("host:port"). */
export const deviceXml = (name: string, fbs: string[], events: string[], data: string[], mgrId?: string): string =>
  `<Device Name="${name}" Type="FORTE_PC">\n${mgrId === undefined ? '' : `<Parameter Name="MGR_ID" Value="&quot;${mgrId}&quot;"/>\n`}${resourceXml('RES', fbs, events, data)}</Device>`;
