import { format } from 'node:util';
import { setWarningLogger } from 'node-opcua';

/**
 * node-opcua's warnings, to stderr as one line each, without NODE-OPCUA-W27: on Node 20 it
 * reports that RSA PKCS#1 v1.5 decryption is disabled, which only the Basic128Rsa15 and Basic256
 * policies use; vPLC offers Basic256Sha256 (RSA-OAEP) and None, so it does not apply.
 */
export function installOpcuaWarnings(): void {
  setWarningLogger((context: unknown, ...args: unknown[]) => {
    const text = format(...args);
    if ((context as { filename?: string } | undefined)?.filename === 'verify_pcks1' || text.includes('NODE-OPCUA-W27')) return;
    process.stderr.write(`opcua: ${text.replace(/\s*\n\s*/g, ' ')}\n`);
  });
}
