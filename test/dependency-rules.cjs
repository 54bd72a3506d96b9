/**
 * vPLC's layering, checked by dependency-cruiser in `npm test` (README, "Layout"). No
 * exceptions list: a forbidden edge is fixed in the code, or the layering is changed here and
 * in the README together.
 *
 *   samples, test ──► runtime ──► blocks ──────► compiler leaf (compiler/contract/ and the
 *                        │   └──► io-drivers ──►   Application, diagnostics, 61499 model
 *                        └──► compiler (composition roots only)   and literal files below)
 */

/** The leaf contract: what every layer may import; it imports only itself. */
const LEAF = [
  '^compiler/contract/',
  '^compiler/application\\.ts$',
  '^compiler/source\\.ts$',
  '^compiler/diagnostics/',
  '^compiler/iec61499/model\\.ts$',
  '^compiler/iec61499/literal\\.ts$',
  '^compiler/iec61499/aggregate-literal\\.ts$',
  '^compiler/st/literals\\.ts$',
  '^compiler/st/ast\\.ts$',
];

/** Commands that compile projects: they may use the whole compiler. */
const COMPOSITION_ROOTS = [
  '^runtime/cli/',
  '^runtime/testing/',
  '^runtime/iec61499/management/type-provider\\.ts$',
];

const TESTS = ['^test/', '\\.test\\.ts$'];

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'No module imports itself through others (type-only imports included).',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'leaf-imports-only-leaf',
      comment: 'The leaf contract imports nothing of the project outside itself.',
      severity: 'error',
      from: { path: LEAF },
      to: { path: '^(compiler|runtime|blocks|io-drivers|samples|test)/', pathNot: LEAF },
    },
    {
      name: 'compiler-stays-in-compiler',
      comment: 'The compiler imports nothing of the runtime, the drivers, the blocks, samples or tests.',
      severity: 'error',
      from: { path: '^compiler/' },
      to: { path: '^(runtime|blocks|io-drivers|samples|test)/' },
    },
    {
      name: 'blocks-see-only-the-leaf',
      comment: 'Native blocks implement leaf interfaces; the compiler reads blocks as data, never as imports.',
      severity: 'error',
      from: { path: '^blocks/' },
      to: { path: '^(compiler|runtime|io-drivers|samples|test)/', pathNot: LEAF },
    },
    {
      name: 'drivers-see-only-the-leaf',
      comment: 'I/O drivers meet the engine only through the process image (leaf), never by importing the runtime.',
      severity: 'error',
      from: { path: '^io-drivers/' },
      to: { path: '^(compiler|runtime|blocks|samples|test)/', pathNot: LEAF },
    },
    {
      name: 'runtime-sees-only-the-compiler-leaf',
      comment: 'The engine loads Applications; only the commands that compile (composition roots) import the compiler.',
      severity: 'error',
      from: { path: '^runtime/', pathNot: COMPOSITION_ROOTS },
      to: { path: '^compiler/', pathNot: LEAF },
    },
    {
      name: 'runtime-not-samples-or-tests',
      severity: 'error',
      from: { path: '^runtime/' },
      to: { path: '^(samples|test)/' },
    },
    {
      name: 'samples-not-tests',
      comment: 'Samples are shipped: they never import test/.',
      severity: 'error',
      from: { path: '^samples/' },
      to: { path: '^test/' },
    },
    {
      name: 'production-not-test-code',
      comment: 'Built code never imports a test file or the test framework.',
      severity: 'error',
      from: { path: '^(compiler|runtime|blocks|io-drivers|samples)/', pathNot: TESTS },
      to: { path: ['\\.test\\.ts$', '^node_modules/vitest/', '^vitest'] },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API: sources are parsed with swc, every import counted (type-only too)
    parser: 'swc',
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs'] },
  },
};
