import { ev, NativeFb, port, type NativeBlock, type RestartMode } from './native-fb.js';

/** E_RESTART: COLD, WARM and STOP events of the resource (the START FB of EMB_RES). */
export class E_RESTART extends NativeFb {
  $event(_ei: number): void {}
  override $restart(mode: RestartMode): void {
    this.$emit(mode === 'COLD' ? 0 : mode === 'WARM' ? 1 : 2);
  }
}

/** TEST_CONDITION: reports whether `check` holds, then CNF; counts its verdicts (internal, read by `vplc run`/`vplc test`). */
export class TEST_CONDITION extends NativeFb {
  check = false;
  passed = 0;
  failed = 0;
  $event(_ei: number): void {
    if (this.check) this.passed++;
    else this.failed++;
    this.$ctx.report?.(this, this.check, this.check ? 'passed' : 'failed');
    this.$emit(0);
  }
}

/** STEST_END: marks the end of a system test. */
export class STEST_END extends NativeFb {
  ended = false;
  $event(_ei: number): void {
    this.ended = true;
    this.$ctx.report?.(this, true, 'end');
  }
}

export const SERVICE_BLOCKS: NativeBlock[] = [
  { name: 'E_RESTART', interface: { eventInputs: [], eventOutputs: [ev('COLD'), ev('WARM'), ev('STOP')], inputVars: [], outputVars: [] }, create: (c) => new E_RESTART(c) },
  { name: 'TEST_CONDITION', interface: { eventInputs: [ev('REQ', 'check')], eventOutputs: [ev('CNF')], inputVars: [port('check', 'BOOL')], outputVars: [], internalVars: [port('passed', 'UDINT'), port('failed', 'UDINT')] }, create: (c) => new TEST_CONDITION(c) },
  { name: 'STEST_END', interface: { eventInputs: [ev('REQ')], eventOutputs: [], inputVars: [], outputVars: [] }, create: (c) => new STEST_END(c) },
];
