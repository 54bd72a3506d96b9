import { nativeInterface } from '../../compiler/contract/native-interface.js';
import { NativeFb, type NativeBlock, type RestartMode } from './native-fb.js';

/** E_RESTART: COLD, WARM and STOP events of the resource (the START FB of EMB_RES). */
export class E_RESTART extends NativeFb {
  $event(_ei: number): void {}
  override $restart(mode: RestartMode): void {
    this.$emit(mode === 'COLD' ? 0 : mode === 'WARM' ? 1 : 2);
  }
}

/** TEST_CONDITION: reports whether `check` holds, then CNF. */
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
  { name: 'E_RESTART', interface: nativeInterface('E_RESTART'), create: (c) => new E_RESTART(c) },
  { name: 'TEST_CONDITION', interface: nativeInterface('TEST_CONDITION'), create: (c) => new TEST_CONDITION(c) },
  { name: 'STEST_END', interface: nativeInterface('STEST_END'), create: (c) => new STEST_END(c) },
];
