import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/**
 * The part of the OPC UA standard nodeset (namespace 0) that vPLC's server loads. The full
 * nodeset has 5,477 nodes and costs ~15 MiB of heap in node-opcua; most of it models services
 * vPLC does not offer. Left out, with every subtype, instance declaration and instance:
 * Alarms & Conditions, PubSub, file transfer, push certificate management and key
 * credentials, state machines, interfaces, dictionary entries and alias names, spatial frames,
 * historical access configuration, and the deprecated data type dictionaries with the XML and
 * JSON encoding nodes (the binary encodings, which clients decode structures by, stay).
 * Kept: every ReferenceType and DataType, the base object and variable types, folders, events
 * (audit events included: the server raises them), modelling rules, and the Server object with its status,
 * capabilities, diagnostics and namespaces.
 *
 * Built at start from node-opcua's own precompiled image of the standard nodeset (NDJSON, one
 * node a line), so that it always matches the node-opcua installed.
 */

/** Types left out, by browse name: each with its subtypes, instance declarations and instances. */
const LEFT_OUT_TYPES = [
  // Alarms & Conditions (audit events stay: the server raises them, e.g. on an endpoint URL mismatch)
  'ConditionType', 'BaseConditionClassType', 'AlarmMetricsType', 'AlarmGroupType',
  // PubSub
  'PublishSubscribeType', 'PubSubConnectionType', 'PubSubGroupType', 'DataSetReaderType', 'DataSetWriterType',
  'PubSubStatusType', 'PubSubDiagnosticsType', 'PublishedDataSetType', 'SubscribedDataSetType', 'PubSubKeyServiceType',
  'SecurityGroupType', 'SecurityGroupFolderType', 'DataSetFolderType', 'PubSubKeyPushTargetType',
  'PubSubKeyPushTargetFolderType', 'PubSubCapabilitiesType',
  // files, certificate and key management, authorization services, device provisioning
  'FileType', 'FileDirectoryType', 'TemporaryFileTransferType', 'ServerConfigurationType', 'CertificateGroupType',
  'CertificateGroupFolderType', 'CertificateType', 'KeyCredentialConfigurationType', 'KeyCredentialConfigurationFolderType',
  'AuthorizationServiceConfigurationType', 'ConfigurationFileType', 'ApplicationConfigurationType', 'ProvisionableDeviceType',
  // state machines, interfaces, dictionaries, aliases, spatial data, logs, transactions, programs
  'StateMachineType', 'BaseInterfaceType', 'DictionaryEntryType', 'DictionaryFolderType', 'AliasNameType',
  'AliasNameCategoryType', 'FrameType', 'CartesianCoordinatesType', 'OrientationType', 'LogObjectType',
  'TransactionDiagnosticsType', 'ProgramDiagnosticType', 'ProgramDiagnostic2Type',
  // historical access: vPLC keeps no history
  'HistoricalEventConfigurationType', 'HistoryServerCapabilitiesType', 'HistoricalDataConfigurationType', 'AggregateConfigurationType',
  // the data type dictionaries of OPC UA 1.03, superseded by the DataTypeDefinition attribute
  'DataTypeDictionaryType', 'DataTypeDescriptionType', 'DataTypeSystemType',
];

/** Encoding objects left out: node-opcua speaks UA Binary only. */
const LEFT_OUT_ENCODINGS = new Set(['Default XML', 'Default JSON']);

const HAS_COMPONENT = 47;
const HAS_PROPERTY = 46;
const HAS_ORDERED_COMPONENT = 49;
const HAS_SUBTYPE = 45;
const HAS_TYPE_DEFINITION = 40;
const OBJECT = 1;
const TYPE_CLASSES = 8 | 16 | 64; // ObjectType, VariableType, DataType

/** One line of node-opcua's image: a node (references as [isForward, referenceType, target, namespace]) or a header/trailer. */
interface ImageRecord {
  kind?: string;
  nodes?: number;
  nodeClass?: number;
  nodeId?: number | string;
  browseName?: [number, string];
  parentNodeId?: number | string;
  references?: [number, number, number | string, number?][];
}

/** The standard nodeset's image next to its XML, as node-opcua-nodesets ships it. */
export function standardImageFile(standardXml: string): string {
  return standardXml.replace(/\.xml$/i, '.ndjson.gz');
}

/** The subset described above, as an NDJSON image node-opcua's loader reads like its own. */
export function standardSubset(imageFile: string): string {
  const lines = gunzipSync(readFileSync(imageFile)).toString('utf8').split('\n').filter((l) => l.length > 0);
  const records = lines.map((l) => JSON.parse(l) as ImageRecord);
  const out = new Set<ImageRecord['nodeId']>();
  for (const r of records) {
    if (r.nodeClass === undefined || !r.browseName) continue;
    const name = r.browseName[1];
    if ((r.nodeClass & TYPE_CLASSES) !== 0 && LEFT_OUT_TYPES.includes(name)) out.add(r.nodeId);
    if (r.nodeClass === OBJECT && LEFT_OUT_ENCODINGS.has(name)) out.add(r.nodeId);
  }
  // subtypes, instances and children of what is left out, until nothing more follows
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of records) {
      if (!r.references || out.has(r.nodeId)) continue;
      const follows =
        (r.parentNodeId !== undefined && out.has(r.parentNodeId)) ||
        r.references.some(([forward, type, target]) =>
          forward ? type === HAS_TYPE_DEFINITION && out.has(target) : (type === HAS_SUBTYPE || type === HAS_COMPONENT || type === HAS_PROPERTY || type === HAS_ORDERED_COMPONENT) && out.has(target),
        );
      if (follows) {
        out.add(r.nodeId);
        grew = true;
      }
    }
  }
  const kept: string[] = [];
  let nodes = 0;
  for (const r of records) {
    if (r.kind === 'trailer') continue;
    if (r.references) {
      if (out.has(r.nodeId)) continue;
      nodes++;
      // no reference may point at a node that is not there (other namespaces are not ours to judge)
      r.references = r.references.filter(([, , target, ns]) => (ns ?? 0) !== 0 || !out.has(target));
    }
    kept.push(JSON.stringify(r));
  }
  const trailer = records.find((r) => r.kind === 'trailer');
  if (trailer) kept.push(JSON.stringify({ ...trailer, nodes }));
  return kept.join('\n') + '\n';
}
