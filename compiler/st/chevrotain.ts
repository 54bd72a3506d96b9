/**
 * Chevrotain's runtime, loaded from the package's single-file bundle. The package's main entry
 * is some hundred ES modules (with lodash-es) that cost about a second to load on a small edge
 * box; the bundle is the same code in one file and loads in a few tens of milliseconds, which
 * matters for `vplc run`'s time to first scan. Types still come from 'chevrotain' itself.
 */
import type * as Chevrotain from 'chevrotain';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

const entry = createRequire(import.meta.url).resolve('chevrotain'); // …/lib/src/api.js
const bundle = join(dirname(entry), '..', 'chevrotain.min.mjs');
const chevrotain = (await import(pathToFileURL(bundle).href)) as typeof Chevrotain;

export const { CstParser, EmbeddedActionsParser, EOF, Lexer, LLkLookaheadStrategy, createToken } = chevrotain;
