import type { ImageView } from '../../compiler/application.js';
import { writeRaw, type ImageAddress } from '../../compiler/contract/address.js';
import type { VariablePath } from './variable-path.js';

/**
 * The forced variables and process image addresses of one resource, in its scan worker. A
 * forced element keeps its value against the program's writes and the I/O's: the resource
 * applies the table at both scan boundaries, before the program (so it reads the forced
 * inputs) and after it (so the forced outputs are what is published). The entries are plain
 * arrays changed only between scans, so applying them allocates nothing.
 */
export class ForceTable {
  private readonly varKeys: string[] = [];
  private readonly varPaths: VariablePath[] = [];
  private readonly varValues: unknown[] = [];
  private readonly imageKeys: string[] = [];
  private readonly imageAddresses: ImageAddress[] = [];
  private readonly imageValues: (boolean | number | bigint)[] = [];

  /** how many elements are forced */
  get size(): number {
    return this.varKeys.length + this.imageKeys.length;
  }

  /** Force a variable (value already in its run-time representation); replaces an earlier force of it. */
  forceVariable(key: string, path: VariablePath, value: unknown): void {
    const i = this.varKeys.indexOf(key);
    if (i >= 0) {
      this.varPaths[i] = path;
      this.varValues[i] = value;
      return;
    }
    this.varKeys.push(key);
    this.varPaths.push(path);
    this.varValues.push(value);
  }

  /** Force a process image element (`%IX0.1`, `%QW3`, `%MD2`). */
  forceAddress(address: ImageAddress, value: boolean | number | bigint): void {
    const i = this.imageKeys.indexOf(address.text);
    if (i >= 0) {
      this.imageValues[i] = value;
      return;
    }
    this.imageKeys.push(address.text);
    this.imageAddresses.push(address);
    this.imageValues.push(value);
  }

  /** Release one force (by the key it was set with); true when there was one. */
  release(key: string): boolean {
    let i = this.varKeys.indexOf(key);
    if (i >= 0) {
      this.varKeys.splice(i, 1);
      this.varPaths.splice(i, 1);
      this.varValues.splice(i, 1);
      return true;
    }
    i = this.imageKeys.indexOf(key);
    if (i < 0) return false;
    this.imageKeys.splice(i, 1);
    this.imageAddresses.splice(i, 1);
    this.imageValues.splice(i, 1);
    return true;
  }

  releaseAll(): void {
    this.varKeys.length = this.varPaths.length = this.varValues.length = 0;
    this.imageKeys.length = this.imageAddresses.length = this.imageValues.length = 0;
  }

  /** Forced process image elements into `image` (after the inputs came in, after the outputs were written). */
  applyImage(image: ImageView): void {
    const n = this.imageAddresses.length;
    for (let i = 0; i < n; i++) writeRaw(image, this.imageAddresses[i]!, this.imageValues[i]!);
  }

  /** Forced variables into the program instances (before the program runs, and after it). */
  applyVariables(): void {
    const n = this.varPaths.length;
    for (let i = 0; i < n; i++) this.varPaths[i]!.write(this.varValues[i]);
  }
}
