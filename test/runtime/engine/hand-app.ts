import type { Application, TaskModel, VarInfo } from '../../../compiler/application.js';

/**
 * Small Applications written by hand against the codegen contract (vplc-codegen), so that the
 * engine is tested independently of the compiler. Each program type is a JS class body.
 */
export interface HandProgram {
  name: string;
  typeName: string;
  task: string;
}

export interface HandResource {
  name: string;
  tasks: TaskModel[];
  programs: HandProgram[];
  globals?: VarInfo[];
  /** JS statements of readImage(v) / writeImage(v); `r` is the resource object */
  readImage?: string;
  writeImage?: string;
  /** JS expression for the globals object */
  globalsInit?: string;
}

const int = (name: string, section: VarInfo['section'] = 'VAR'): VarInfo => ({
  name,
  prop: name,
  section,
  type: { kind: 'elementary', name: 'DINT' },
});
const bool = (name: string, section: VarInfo['section'] = 'VAR'): VarInfo => ({
  name,
  prop: name,
  section,
  type: { kind: 'elementary', name: 'BOOL' },
});
export const vars = { int, bool };

export function handApp(opts: {
  /** class declarations, e.g. `class COUNTER { constructor(){this.n=0} $body(){this.n++} }` */
  classes: string;
  pouTypes: Application['pouTypes'];
  resources: HandResource[];
}): Application {
  const resources = opts.resources
    .map((r) => {
      const programs = r.programs.map((p) => `${JSON.stringify(p.name)}: new ${p.typeName}()`).join(', ');
      const tasks = r.tasks
        .map((t) => {
          const body = r.programs
            .filter((p) => p.task === t.name)
            .map((p) => `r.programs[${JSON.stringify(p.name)}].$body();`)
            .join(' ');
          return `() => { ${body} }`;
        })
        .join(', ');
      return `${JSON.stringify(r.name)}: () => {
        const r = { globals: ${r.globalsInit ?? '{}'}, programs: { ${programs} }, tasks: [],
          readImage(v) { ${r.readImage ?? ''} }, writeImage(v) { ${r.writeImage ?? ''} } };
        r.tasks = [${tasks}];
        $G = r.globals;
        return r;
      }`;
    })
    .join(',\n');
  const code = `let $G = null;\n${opts.classes}\nreturn { pous: {}, resources: { ${resources} } };`;
  return {
    name: 'HAND',
    resources: opts.resources.map((r) => ({
      name: r.name,
      tasks: r.tasks,
      programs: r.programs,
      globals: r.globals ?? [],
      located: [],
    })),
    pouTypes: opts.pouTypes,
    code,
    sources: [],
  };
}

export const MS = 1_000_000;
