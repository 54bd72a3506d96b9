/**
 * ST sources → Application: parse every source, collect declarations (with vPLC's standard
 * function blocks), check, build the resources and tasks, generate code. Files of other kinds
 * reach it through their front ends (compiler/project.ts).
 */
import type { Application, ResourceModel, TaskModel } from './application.js';
import type { Diagnostic } from './diagnostics/diagnostic.js';
import { hasErrors, sortDiagnostics } from './diagnostics/diagnostic.js';
import { diagnostic } from './diagnostics/registry.js';
import type { SourceFile, SourceRange } from './source.js';
import { IdAllocator, key, type CompilationUnit, type ConfigurationDecl, type Expr, type ProgramDecl } from './st/ast.js';
import { parseSt } from './st/parse.js';
import { Declarations } from './semantics/declarations.js';
import { Checker } from './semantics/checker.js';
import { newAnnotations, type Pou } from './semantics/symbols.js';
import { resolveConfiguration } from './semantics/var-config.js';
import { evalConst, constToInt } from './semantics/const-eval.js';
import { generateModule, typeInfo, type ResolvedResource, type ProgramInstance } from './codegen/module.js';
import { librarySources } from './library.js';
import { STANDARD_CONTEXT, type CompilerContext } from './context.js';

export interface CompileOptions {
  /** what the sources are compiled against; the standard library unless given */
  context?: CompilerContext;
  /** interval of the default task that runs a lone PROGRAM (ns); 10 ms unless given */
  defaultIntervalNs?: number;
  /** told as the compile moves on (`parsing` file k of n, `checking` POU k of n, `generating code`), for progress on long compiles */
  onProgress?: (step: string, done: number, total: number) => void;
  /** IEC 61499 algorithms: narrowing assignments are converted with warning W4003 instead of error E3002 */
  narrowingAsWarning?: boolean;
  /** values of `%name%` placeholders in IEC 61499 .sys/.fboot parameters */
  placeholders?: Record<string, string>;
  /** IEC 61499: folders searched for types after the application's own (`--types DIR`) */
  typesDirs?: string[];
}

export interface CompileResult {
  application?: Application;
  diagnostics: Diagnostic[];
}

export const DEFAULT_RESOURCE = 'Default';
export const DEFAULT_TASK = 'Default';

export function compileSources(sources: SourceFile[], options: CompileOptions = {}): CompileResult {
  const diagnostics: Diagnostic[] = [];
  const ids = new IdAllocator();
  const units: CompilationUnit[] = [];
  const progress = options.onProgress;
  for (const s of sources) {
    progress?.('parsing', units.length, sources.length);
    const r = parseSt(s, ids);
    diagnostics.push(...r.diagnostics);
    units.push(r.unit);
  }
  // library POUs the user does not define
  const userNames = new Set(units.flatMap((u) => [...u.pous.map((p) => key(p.name)), ...u.types.map((t) => key(t.name))]));
  for (const s of librarySources()) {
    const r = parseSt(s, ids);
    r.unit.pous = r.unit.pous.filter((p) => !userNames.has(key(p.name)));
    units.push(r.unit);
  }
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  const decls = new Declarations(units, diagnostics);
  const ann = newAnnotations();
  const context = options.context ?? STANDARD_CONTEXT;
  const checker = new Checker(decls, ann, diagnostics, context.functions, { narrowingAsWarning: options.narrowingAsWarning === true });
  checker.checkTypeDefaults();
  checker.checkGlobals(decls.globals.values());
  const pous = decls.allPous();
  pous.forEach((pou, k) => {
    progress?.('checking', k, pous.length);
    checker.checkPou(pou);
  });
  const resources = buildResources(units.slice(0, sources.length), decls, diagnostics, options);
  checkResourceGlobals(resources, checker, diagnostics);
  const own = units.slice(0, sources.length);
  const configs = resolveConfiguration(own.flatMap((u) => u.configurations), resources, decls, checker, diagnostics, own.flatMap((u) => u.instanceInits ?? []));
  for (const r of resources) {
    const c = configs.get(r.name);
    if (c) r.config = c;
  }
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  progress?.('generating code', 0, 1);
  const generated = generateModule(decls, ann, resources, context);
  const models: ResourceModel[] = resources.map((r) => ({
    name: r.name,
    tasks: r.tasks,
    programs: r.programs.map((p) => ({ name: p.name, typeName: p.pou.name, task: p.task })),
    globals: r.globals.map((g) => ({ name: g.name, prop: g.prop, section: 'VAR_GLOBAL', type: typeInfo(g.type), ...(g.retain ? { retain: g.retain } : {}) })),
    located: generated.located.get(r.name) ?? [],
    ...(r.config?.access.length ? { access: r.config.access.map((a) => ({ name: a.name, path: a.path, type: typeInfo(a.type), readOnly: a.readOnly })) } : {}),
  }));
  const firstConfig = units.find((u) => u.configurations.length)?.configurations[0];
  const application: Application = {
    name: firstConfig?.name ?? resources[0]?.programs[0]?.name ?? 'vPLC',
    resources: models,
    pouTypes: generated.pouTypes,
    code: generated.code,
    sources: sources.map((s) => s.path),
    sites: generated.sites,
  };
  return { application, diagnostics: sortDiagnostics(diagnostics) };
}


/** Resources and tasks from the CONFIGURATIONs, or one default task running every PROGRAM. */
function buildResources(units: CompilationUnit[], decls: Declarations, diagnostics: Diagnostic[], options: CompileOptions): ResolvedResource[] {
  const configs = units.flatMap((u) => u.configurations);
  const globals = [...decls.globals.values()];
  const defaultInterval = options.defaultIntervalNs ?? 10_000_000;
  if (configs.length === 0) {
    const programs = units.flatMap((u) => u.pous.filter((p): p is ProgramDecl => p.kind === 'program'));
    if (programs.length === 0) return [];
    return [{
      name: DEFAULT_RESOURCE,
      tasks: [{ name: DEFAULT_TASK, intervalNs: defaultInterval, priority: 0 }],
      programs: programs.map((p) => ({ name: p.name, pou: decls.pou(key(p.name))!, task: DEFAULT_TASK })),
      globals,
    }];
  }
  const out: ResolvedResource[] = [];
  const err = (m: string, r: SourceRange) => diagnostics.push(diagnostic('E2009', m, r));
  for (const c of configs as ConfigurationDecl[]) {
    for (const r of c.resources) {
      const tasks: TaskModel[] = [];
      for (const t of r.tasks) {
        if (tasks.some((x) => key(x.name) === key(t.name))) {
          err(`task '${t.name}' is declared twice`, t.range);
          continue;
        }
        const task: TaskModel = { name: t.name, intervalNs: 0, priority: 0 };
        if (t.interval) {
          const v = evalConst(t.interval, decls.constLookup());
          if (typeof v !== 'number' || v <= 0) err(`INTERVAL of task '${t.name}' must be a positive constant TIME`, t.interval.range);
          else task.intervalNs = v;
        }
        if (t.priority) {
          const p = constToInt(evalConst(t.priority, decls.constLookup()));
          if (p === undefined || p < 0) err(`PRIORITY of task '${t.name}' must be a constant integer ≥ 0`, t.priority.range);
          else task.priority = p;
        }
        if (t.single) {
          const path = exprPath(t.single);
          if (!path) err(`SINGLE of task '${t.name}' must name a BOOL variable`, t.single.range);
          else task.single = path;
        }
        if (!t.interval && !t.single) err(`task '${t.name}' needs an INTERVAL or a SINGLE trigger`, t.range);
        tasks.push(task);
      }
      const programs: ProgramInstance[] = [];
      for (const p of r.programs) {
        const pou = decls.pou(key(p.typeName));
        if (!pou || pou.kind !== 'program') {
          err(pou ? `'${p.typeName}' is not a PROGRAM` : `unknown program type '${p.typeName}'`, p.range);
          continue;
        }
        if (programs.some((x) => key(x.name) === key(p.name))) {
          err(`program instance '${p.name}' is declared twice`, p.range);
          continue;
        }
        let task = p.task;
        if (task && !tasks.some((t) => key(t.name) === key(task!))) {
          err(`unknown task '${task}'`, p.range);
          continue;
        }
        if (!task) {
          // a program without a task runs on a default cyclic task of the lowest priority
          if (!tasks.some((t) => t.name === DEFAULT_TASK)) tasks.push({ name: DEFAULT_TASK, intervalNs: defaultInterval, priority: 255 });
          task = DEFAULT_TASK;
        } else {
          task = tasks.find((t) => key(t.name) === key(task!))!.name;
        }
        for (const a of p.args) {
          if (!a.value || a.value.kind !== 'name' || !decls.globals.has(key(a.value.name))) {
            err(`program parameter '${a.name ?? '?'}' must be bound to a global variable`, a.range);
          }
        }
        programs.push({ name: p.name, pou, task, config: p });
      }
      out.push({ name: r.name, tasks, programs, globals: decls.globalsOf(r.name) });
    }
  }
  return out;
}

/**
 * A program, or an FB or function it uses, may only use globals its resource has: those of
 * the configuration and of the resource itself, not another resource's.
 */
function checkResourceGlobals(resources: ResolvedResource[], checker: Checker, diagnostics: Diagnostic[]): void {
  for (const r of resources) {
    const visible = new Set(r.globals);
    for (const p of r.programs) {
      const seen = new Set<Pou>();
      const visit = (pou: Pou): void => {
        if (seen.has(pou)) return;
        seen.add(pou);
        for (const g of checker.globalUses.get(pou) ?? []) {
          if (!visible.has(g)) {
            diagnostics.push(diagnostic('E2009', `program '${p.name}' in resource '${r.name}' uses global '${g.name}' of another resource${pou !== p.pou ? ` (through ${pou.name})` : ''}`, p.config?.range ?? g.decl.nameRange));
          }
        }
        for (const f of checker.calledFunctions.get(pou) ?? []) visit(f);
        for (let b = pou.base; b; b = b.base) visit(b);
        for (const v of pou.vars) for (const t of instanceTypes(v.type)) {
          const fb = checker.pouOf(t);
          if (fb) visit(fb);
        }
      };
      visit(p.pou);
    }
  }
}

/** FB types an instance variable of type `t` holds (directly, in arrays or structs). */
function instanceTypes(t: import('./types/types.js').Type): readonly string[] {
  if (t.kind === 'fb') return [t.name];
  if (t.kind === 'array') return instanceTypes(t.element);
  if (t.kind === 'struct') return t.fields.flatMap((f) => instanceTypes(f.type));
  return NO_TYPES;
}

/** shared: most variables hold no instance */
const NO_TYPES: readonly string[] = [];

function exprPath(e: Expr): string | undefined {
  if (e.kind === 'name') return e.name;
  if (e.kind === 'member') {
    const o = exprPath(e.object);
    return o ? `${o}.${e.member}` : undefined;
  }
  return undefined;
}
