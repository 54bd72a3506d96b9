/**
 * The MQTT gateway's configuration (`mqtt:` in plc.yaml), after validation: every default
 * filled in, durations in ms, file paths resolved against the configuration's folder at start.
 */

/** How a publication decides to send. */
export type PublishMode = 'change' | 'period' | 'trigger';

export interface MqttPublication {
  /** variable paths or globs (`Main.*`, `Main.**`, `Line.Cell[2].count`) */
  vars: string[];
  /** topic template: {path}, {name}, {resource}, {clientId}; without {path}/{name}, one message holds every variable */
  topic: string;
  mode: PublishMode;
  /** change: an absolute deadband (numbers change by more than this) */
  deadband: number;
  /** change: a relative deadband, a fraction of the last published value (0.01: 1 %) */
  relativeDeadband: number;
  /** period: every periodMs; change: also a heartbeat when > 0 */
  periodMs: number;
  /** trigger: the BOOL variable whose rising edge publishes */
  trigger?: string;
  qos: 0 | 1;
  retain: boolean;
  /** where in the configuration, for messages */
  at: string;
}

export interface MqttCommands {
  /** topic filter the gateway subscribes to; the variable path is what `#` (or `+`) matches */
  topic: string;
  /** variables (paths or globs) writable from MQTT; nothing else is */
  writable: string[];
}

export interface MqttWill {
  topic: string;
  payload: string;
  qos: 0 | 1;
  retain: boolean;
}

/** When appended messages reach the disk (a kill -9 loses nothing either way: the writes are in the kernel). */
export type FsyncPolicy = 'always' | 'periodic' | 'never';

export interface MqttStoreConfig {
  /** folder of the segment files; absent: the queue is kept in memory only */
  dir?: string;
  maxMessages: number;
  maxBytes: number;
  /** messages older than this are dropped (0: no age limit) */
  maxAgeMs: number;
  fsync: FsyncPolicy;
  fsyncMs: number;
}

export interface SparkplugConfig {
  groupId: string;
  edgeNodeId: string;
  /** the Sparkplug device carrying the resource's variables (default: the resource's name) */
  deviceId?: string;
}

export interface MqttConfig {
  /** mqtt://host:port or mqtts://host:port */
  url: string;
  /** PEM files for mqtts:// */
  ca?: string;
  cert?: string;
  key?: string;
  /** check the broker's certificate name (default true) */
  rejectUnauthorized: boolean;
  username?: string;
  password?: string;
  clientId: string;
  keepAliveS: number;
  cleanStart: boolean;
  will?: MqttWill;
  /** json (default) or sparkplug (Sparkplug B v3.0) */
  payload: 'json' | 'sparkplug';
  sparkplug?: SparkplugConfig;
  /** how often the variables are sampled at a scan boundary (ms) */
  samplingMs: number;
  reconnectMs: number;
  /** topic of command results and gateway events */
  statusTopic: string;
  publications: MqttPublication[];
  commands?: MqttCommands;
  /** store and forward of QoS 1 messages (on disk when `dir` is set) */
  store: MqttStoreConfig;
}
