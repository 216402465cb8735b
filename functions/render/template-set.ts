import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { describeLocation, RenderError } from './render-error';

let resolvedTemplatesDir: string | undefined;
/**
 * `templates/` at the repository root, found from this file so vitest, tsx and the local
 * runtime agree; in a bundle (one file, e.g. /var/task/index.mjs), `templates/` next to it.
 */
export function defaultTemplatesDir(): string {
  if (resolvedTemplatesDir) return resolvedTemplatesDir;
  const here = typeof import.meta.url === 'string' ? import.meta.url : undefined;
  const candidates = [
    ...(here ? [fileURLToPath(new URL('../../templates/', here)), fileURLToPath(new URL('./templates/', here))] : []),
    join(process.cwd(), 'templates'),
  ];
  resolvedTemplatesDir = candidates.find((dir) => existsSync(join(dir, 'mail'))) ?? candidates[0]!;
  return resolvedTemplatesDir;
}

/*
 * Source markers. MJML templates get a marker at the start of every line naming the template
 * and line; view-model values get markers naming the release field. They are private-use
 * characters (stripped from user content), removed before MJML sees the document, and let an
 * MJML error at line N of the filled document be traced back to template, line and field.
 */
const LINE_OPEN = '\uE000';
const LINE_CLOSE = '\uE001';
const FIELD_OPEN = '\uE002';
const FIELD_CLOSE = '\uE003';
const FIELD_END = '\uE004';
const anyMarker = /\uE000[^\uE001]*\uE001|\uE002[^\uE003]*\uE003|\uE004/g;
const markerOrNewline = /\uE000([^\uE001]*)\uE001|\uE002([^\uE003]*)\uE003|\uE004|\n/g;

export const stripPrivateMarkers = (s: string) => s.replace(/[\uE000-\uE004]/g, '');

/** Wraps a value in field markers (the value must already be free of markers). */
export const markField = (field: string, value: string) => `${FIELD_OPEN}${field}${FIELD_CLOSE}${value}${FIELD_END}`;

export interface LineOrigin {
  readonly template?: string;
  readonly line?: number;
  readonly field?: string;
}

/** Removes the markers; `origins[n]` tells where line n (1-based) of the result comes from. */
export function unmark(marked: string): { text: string; origins: LineOrigin[] } {
  const origins: LineOrigin[] = [];
  let line = 1;
  let template: { template: string; line: number } | undefined;
  const fields: string[] = [];
  let current: { template?: string; line?: number; field?: string; sawTemplate: boolean; sawField: boolean } = {
    sawTemplate: false,
    sawField: false,
  };
  const close = () => {
    origins[line] = { template: current.template, line: current.line, field: current.field };
  };
  const open = () => {
    current = { template: template?.template, line: template?.line, field: fields.at(-1), sawTemplate: false, sawField: false };
  };
  open();
  for (const m of marked.matchAll(markerOrNewline)) {
    if (m[0] === '\n') {
      close();
      line += 1;
      open();
    } else if (m[1] !== undefined) {
      const at = m[1].lastIndexOf('#');
      template = { template: m[1].slice(0, at), line: Number(m[1].slice(at + 1)) };
      if (!current.sawTemplate) Object.assign(current, { template: template.template, line: template.line, sawTemplate: true });
    } else if (m[2] !== undefined) {
      fields.push(m[2]);
      if (!current.sawField) Object.assign(current, { field: m[2], sawField: true });
    } else {
      fields.pop();
    }
  }
  close();
  return { text: marked.replace(anyMarker, ''), origins };
}

interface TemplateSetOptions {
  /** Plain text: no HTML escaping. */
  readonly noEscape: boolean;
  /** Prefix each template line with a line marker (MJML only: it defeats standalone-line whitespace rules). */
  readonly markLines: boolean;
}

type Compiled = (context: unknown, options?: Handlebars.RuntimeOptions) => string;

interface AnnotatedError {
  renderTemplate?: string;
}

/**
 * One family of templates (`mail/` or `text/`): layouts at the top, partials in `partials/`,
 * on an isolated Handlebars instance in strict mode (an unknown variable is an error).
 */
export class TemplateSet {
  private readonly hb = Handlebars.create();
  private readonly layouts = new Map<string, Compiled>();

  constructor(
    readonly dir: string,
    readonly family: string,
    private readonly options: TemplateSetOptions,
  ) {
    registerHelpers(this.hb);
    const root = join(dir, family);
    for (const file of listFiles(root)) {
      const name = relative(dir, file).split(sep).join('/');
      const compiled = this.compileFile(name, readFileSync(file, 'utf8'));
      const rel = relative(root, file).split(sep);
      if (rel[0] === 'partials') {
        const partialName = rel
          .slice(1)
          .join('/')
          .replace(/\.[^/]*$/, '')
          .replace(/\.[^/]*$/, '');
        this.hb.registerPartial(partialName, compiled as unknown as Handlebars.Template);
      } else {
        this.layouts.set(name, compiled);
      }
    }
  }

  has(layout: string): boolean {
    return this.layouts.has(layout);
  }

  render(layout: string, context: unknown): string {
    const template = this.layouts.get(layout);
    if (!template) throw new RenderError(`Gabarit introuvable : « ${layout} » dans ${this.dir}`, { template: layout });
    try {
      return template(context);
    } catch (error: unknown) {
      throw toRenderError(error, layout);
    }
  }

  private compileFile(name: string, source: string): Compiled {
    const prepared = this.options.markLines
      ? source
          .split('\n')
          .map((l, i) => `${LINE_OPEN}${name}#${i + 1}${LINE_CLOSE}${l}`)
          .join('\n')
      : source;
    try {
      // Parse now so a syntax error is reported at load, with its template and line.
      this.hb.parse(prepared);
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      const line = /line (\d+)/.exec(message)?.[1];
      const where = { template: name, ...(line ? { line: Number(line) } : {}) };
      throw new RenderError(`Erreur de syntaxe Handlebars (${describeLocation(where)}) : ${stripPrivateMarkers(message)}`, {
        ...where,
        cause: error,
      });
    }
    const template = this.hb.compile(prepared, { strict: true, noEscape: this.options.noEscape });
    return (context, runtimeOptions) => {
      try {
        return template(context, runtimeOptions);
      } catch (error: unknown) {
        // The innermost partial names itself first; outer templates leave the name alone.
        if (error !== null && typeof error === 'object' && (error as AnnotatedError).renderTemplate === undefined) {
          (error as AnnotatedError).renderTemplate = name;
        }
        throw error;
      }
    };
  }
}

function toRenderError(error: unknown, layout: string): RenderError {
  if (error instanceof RenderError) return error;
  const template = (error as AnnotatedError | null)?.renderTemplate ?? layout;
  const raw = stripPrivateMarkers(error instanceof Error ? error.message : String(error));
  const lineNumber = (error as { lineNumber?: unknown } | null)?.lineNumber;
  const line = typeof lineNumber === 'number' ? lineNumber : Number(/ - (\d+):\d+$/.exec(raw)?.[1] ?? Number.NaN);
  const unknownVariable = /^"([^"]+)" not defined in/.exec(raw)?.[1];
  const missingHelper = /^Missing helper: "?([^"]+)"?/.exec(raw)?.[1];
  const missingPartial = /^The partial (\S+) could not be found/.exec(raw)?.[1];
  const where = { template, ...(Number.isFinite(line) ? { line } : {}), ...(unknownVariable ? { field: unknownVariable } : {}) };
  const what = unknownVariable
    ? `variable inconnue « ${unknownVariable} »`
    : missingHelper
      ? `helper inconnu « ${missingHelper} »`
      : missingPartial
        ? `partiel introuvable « ${missingPartial} »`
        : raw;
  return new RenderError(`Erreur de gabarit (${describeLocation(where)}) : ${what}`, { ...where, cause: error });
}

function registerHelpers(hb: typeof Handlebars): void {
  // A helper given an undefined value means the template named a variable that does not exist
  // (the view model gives absent optional fields as null).
  const defined = (helper: string, value: unknown, options: Handlebars.HelperOptions) => {
    if (value === undefined) {
      const loc = (options as unknown as { loc?: { start?: { line?: number } } }).loc;
      throw Object.assign(new Error(`"${helper}" : valeur indéfinie${loc?.start?.line ? ` - ${loc.start.line}:0` : ''}`), {
        lineNumber: loc?.start?.line,
      });
    }
    return value;
  };
  /** `{{#each (withSeparator list)}}`-free joins: `{{join items ", "}}` for arrays of strings. */
  hb.registerHelper('join', function join(list: unknown, separator: unknown, options: Handlebars.HelperOptions) {
    const items = defined('join', list, options);
    if (!Array.isArray(items)) throw new Error('"join" attend une liste');
    return items.filter((s) => s !== null && s !== '').join(typeof separator === 'string' ? separator : ', ');
  });
  /** Repeats a character as many times as a text is long (plain-text underlines). */
  hb.registerHelper('underline', function underline(text: unknown, char: unknown, options: Handlebars.HelperOptions) {
    const value = defined('underline', text, options);
    return String(typeof char === 'string' ? char : '=').repeat(Math.min(stripPrivateMarkers(String(value ?? '')).length, 72));
  });
}

function listFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (error: unknown) {
    throw new RenderError(`Dossier de gabarits introuvable : ${dir}`, { template: dir, cause: error });
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? listFiles(path) : entry.endsWith('.hbs') ? [path] : [];
  });
}

const sets = new Map<string, TemplateSet>();
/** Template sets are read from disk once per directory and family. */
export function templateSet(dir: string, family: 'mail' | 'text'): TemplateSet {
  const key = `${dir}\u0000${family}`;
  let set = sets.get(key);
  if (!set) {
    set = new TemplateSet(dir, family, family === 'mail' ? { noEscape: false, markLines: true } : { noEscape: true, markLines: false });
    sets.set(key, set);
  }
  return set;
}
