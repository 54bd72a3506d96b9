/** The metrics JSON shape other parts of vPLC rely on (`--json`, HTTP, OPC UA). */

export interface DurationSummary {
  min: number;
  mean: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
}

export interface TaskMetricsSnapshot {
  resource: string;
  cycles: number;
  overruns: number;
  watchdogFaults: number;
  /** execution time of a scan in microseconds */
  execUs: DurationSummary;
  /** start lateness (actual start minus ideal release) in microseconds */
  latenessUs: DurationSummary;
}

export interface MetricsSnapshot {
  tasks: Record<string, TaskMetricsSnapshot>;
}
