import { randomBytes } from 'node:crypto';
import mjml2html from 'mjml';
import { type Brand, brandSchema } from '../domain/brand';
import { type ReleaseContent, releaseContentSchema } from '../domain/release';
import type { CompiledMail, RecipientVarName } from './compiled-mail';
import { toSegments } from './compiled-mail';
import { icsFilename, renderIcs } from './ics';
import { describeLocation, RenderError } from './render-error';
import { subjectOf } from './subject';
import { defaultTemplatesDir, templateSet, unmark } from './template-set';
import { buildViewModel, type ViewModelInput } from './view-model';

export { RenderError } from './render-error';

export interface CompileInput {
  content: ReleaseContent;
  brand: Brand;
  coBrands?: Brand[];
  webVersionUrl: string;
  now: Date;
  /** Public URL of the event's .ics, linked from the mail (the file is also attached). */
  calendarUrl?: string;
}

export interface RenderOptions {
  /** Fixed sentinel nonce, for golden tests only; random per compile otherwise. */
  readonly nonce?: string;
  /** Another templates folder (tests of broken templates); `templates/` at the repo root by default. */
  readonly templatesDir?: string;
}

const mailLayout = (content: ReleaseContent) => `mail/${content.kind}.mjml.hbs`;
const textLayout = (content: ReleaseContent) => `text/${content.kind}.txt.hbs`;

/**
 * Compiles a release into a mail once per campaign: Handlebars fills the MJML layout of its
 * kind, MJML compiles it (strict), and per-recipient values are left as segments for
 * `personalise`. The plain-text part is rendered from the same view model by its own
 * templates. Any error is a RenderError naming template, line and field: no half mail.
 */
export async function compileRelease(input: CompileInput, options: RenderOptions = {}): Promise<CompiledMail> {
  const { content, brand, coBrands } = validate(input);
  const dir = options.templatesDir ?? defaultTemplatesDir();
  const nonce = options.nonce ?? `cq${randomBytes(12).toString('hex')}`;
  const recipient = sentinels(nonce);
  const base = {
    content,
    brand,
    coBrands,
    now: input.now,
    webVersionUrl: input.webVersionUrl,
    calendarUrl: content.event ? (input.calendarUrl ?? null) : null,
    recipient,
  } satisfies Partial<ViewModelInput>;

  const html = await renderMjml(dir, mailLayout(content), { ...base, track: true, template: mailLayout(content) });
  const text = renderTextPart(dir, textLayout(content), { ...base, track: false, template: textLayout(content) });
  const attachments = content.event
    ? [
        {
          filename: icsFilename(content),
          contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
          content: renderIcs(content, { now: input.now }),
        },
      ]
    : undefined;
  return {
    formatVersion: 1,
    subject: subjectOf(content),
    html: toSegments(html, nonce),
    text: toSegments(text, nonce),
    ...(attachments ? { attachments } : {}),
  };
}

export interface WebPageInput {
  content: ReleaseContent;
  brand: Brand;
  coBrands?: Brand[];
  now: Date;
  calendarUrl?: string;
}

/** The public web version: the same layout as the mail, without any per-recipient link. */
export async function renderWebPage(input: WebPageInput, options: Omit<RenderOptions, 'nonce'> = {}): Promise<string> {
  const { content, brand, coBrands } = validate(input);
  const dir = options.templatesDir ?? defaultTemplatesDir();
  const layout = mailLayout(content);
  return renderMjml(dir, layout, {
    content,
    brand,
    coBrands,
    now: input.now,
    webVersionUrl: null,
    calendarUrl: content.event ? (input.calendarUrl ?? null) : null,
    recipient: null,
    track: true,
    template: layout,
  });
}

/** The plain-text part alone, for the web version (with null recipient) or the CLI. */
export function renderText(input: WebPageInput & { webVersionUrl?: string }, options: Omit<RenderOptions, 'nonce'> = {}): string {
  const { content, brand, coBrands } = validate(input);
  const layout = textLayout(content);
  return renderTextPart(options.templatesDir ?? defaultTemplatesDir(), layout, {
    content,
    brand,
    coBrands,
    now: input.now,
    webVersionUrl: input.webVersionUrl ?? null,
    calendarUrl: content.event ? (input.calendarUrl ?? null) : null,
    recipient: null,
    track: false,
    template: layout,
  });
}

/** Subject = title, one line, French typography. */
function sentinels(nonce: string): { [K in RecipientVarName]: string } {
  const s = (name: RecipientVarName) => `${nonce}:${name}:`;
  return { unsubscribeUrl: s('unsubscribeUrl'), preferencesUrl: s('preferencesUrl'), email: s('email'), name: s('name') };
}

/** Re-checks content and brands at the render boundary; a zod issue becomes a RenderError naming the field. */
function validate(input: { content: ReleaseContent; brand: Brand; coBrands?: Brand[] }): {
  content: ReleaseContent;
  brand: Brand;
  coBrands: Brand[];
} {
  const layoutFor = (kind: unknown) => `mail/${typeof kind === 'string' ? kind : 'press-release'}.mjml.hbs`;
  const template = layoutFor((input.content as { kind?: unknown } | undefined)?.kind);
  const content = releaseContentSchema.safeParse(input.content);
  if (!content.success) throw zodToRenderError(content.error.issues, '', template);
  const brand = brandSchema.safeParse(input.brand);
  if (!brand.success) throw zodToRenderError(brand.error.issues, 'brand.', template);
  const coBrands = (input.coBrands ?? []).map((b, i) => {
    const parsed = brandSchema.safeParse(b);
    if (!parsed.success) throw zodToRenderError(parsed.error.issues, `coBrands.${i}.`, template);
    return parsed.data;
  });
  return { content: content.data, brand: brand.data, coBrands };
}

function zodToRenderError(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix: string,
  template: string,
): RenderError {
  const first = issues[0];
  const field = `${prefix}${first?.path.map(String).join('.') ?? ''}`.replace(/\.$/, '');
  return new RenderError(`Contenu invalide (${describeLocation({ template, field })}) : ${first?.message ?? 'invalide'}`, {
    template,
    field,
  });
}

async function renderMjml(dir: string, layout: string, vmInput: ViewModelInput): Promise<string> {
  const filled = templateSet(dir, 'mail').render(layout, buildViewModel(vmInput));
  const { text: mjml, origins } = unmark(filled);
  let result: Awaited<ReturnType<typeof mjml2html>>;
  try {
    result = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false, fonts: {}, ignoreIncludes: true });
  } catch (error: unknown) {
    throw mjmlError(error, layout, origins);
  }
  // Strict mode throws on validation errors; anything left here is still refused.
  const first = result.errors[0];
  if (first) throw mjmlError(Object.assign(new Error(first.formattedMessage), { errors: result.errors }), layout, origins);
  return result.html;
}

interface MjmlErrorDetail {
  line?: number;
  message?: string;
  tagName?: string;
}

function mjmlError(error: unknown, layout: string, origins: ReturnType<typeof unmark>['origins']): RenderError {
  // mjml-core's ValidationError carries `errors: [{ line, message, tagName, formattedMessage }]`.
  const details = ((error as { errors?: unknown } | null)?.errors ?? []) as MjmlErrorDetail[];
  const first = details[0];
  const origin = first?.line !== undefined ? origins[first.line] : undefined;
  const where = {
    template: origin?.template ?? layout,
    ...(origin?.line !== undefined ? { line: origin.line } : {}),
    ...(origin?.field !== undefined ? { field: origin.field } : {}),
  };
  const what = first
    ? `${first.tagName ? `<${first.tagName}> ` : ''}${first.message ?? ''}`
    : error instanceof Error
      ? error.message
      : String(error);
  const more =
    details.length > 1 ? ` (et ${details.length - 1} autre${details.length > 2 ? 's' : ''} erreur${details.length > 2 ? 's' : ''})` : '';
  return new RenderError(`MJML invalide (${describeLocation(where)}) : ${what.trim()}${more}`, { ...where, cause: error });
}

function renderTextPart(dir: string, layout: string, vmInput: ViewModelInput): string {
  const text = templateSet(dir, 'text').render(layout, buildViewModel(vmInput));
  return tidyText(text);
}

/** Trailing spaces off, at most one blank line in a row, one final newline. */
function tidyText(text: string): string {
  return `${text
    .split('\n')
    .map((l) => l.replace(/[ \t]+$/u, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** The MJML renderer the entry points inject (see `Renderer` in app/deps.ts). */
export const mjmlRenderer = { compileRelease, renderWebPage: (input: WebPageInput) => renderWebPage(input) } as const;
