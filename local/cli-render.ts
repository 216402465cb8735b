import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { type PreviewFormat, previewFormats, renderReleaseAs } from '../functions/app/preview-release';
import { publicReleaseUrl } from '../functions/app/release-rendering';
import { type Brand, brandSchema } from '../functions/domain/brand';
import { releaseContentSchema } from '../functions/domain/release';
import { mjmlRenderer } from '../functions/render/compile-release';
import { ApiClient } from './api-client';

/** Raised for what the person running the CLI can fix: the message is printed as is. */
export class RenderInputError extends Error {
  override readonly name = 'RenderInputError';
}

const demoBrandsFile = fileURLToPath(new URL('./demo/brands.json', import.meta.url));
// zod's French messages for the fields the domain schemas leave to zod.
const french = { error: z.locales.fr().localeError };

const fieldOf = (path: readonly PropertyKey[]) => path.map(String).join('.') || '(racine)';

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e: unknown) {
    throw new RenderInputError(`${file} : lecture impossible (${e instanceof Error ? e.message : String(e)})`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e: unknown) {
    throw new RenderInputError(`${file} : JSON invalide (${e instanceof Error ? e.message : String(e)})`);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseBrand(raw: unknown, where: string): Brand {
  const parsed = brandSchema.safeParse(raw, french);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RenderInputError(`${where} : champ « ${fieldOf(issue?.path ?? [])} » invalide : ${issue?.message ?? 'invalide'}`);
  }
  return parsed.data;
}

function brandsFrom(file: string): Brand[] {
  const raw = readJsonFile(file);
  if (!Array.isArray(raw)) throw new RenderInputError(`${file} : une liste de marques (tableau JSON) est attendue`);
  return raw.map((b, i) => parseBrand(b, `${file}, marque ${i}`));
}

export interface RenderFileOptions {
  /** A JSON array of brands; by default `brands.json` next to the release, else the demo brands. */
  readonly brandsFile?: string;
  readonly now?: Date;
  /** Base of the "view in browser" link; PUBLIC_BASE_URL or the local app by default. */
  readonly publicBaseUrl?: string;
}

/**
 * Renders a release from a JSON file, with no server and no database. The file holds either the
 * release content itself (as `local/demo/seed-001.json`) or a release as the API returns it
 * (`{ id, content, … }`); either may carry its brands at its top level (`brand`, `coBrands`)
 * instead of naming them by `brandId` / `coBrandIds`. Named brands are looked up in `--brands`, else
 * `brands.json` next to the file, else the demo brands (`local/demo/brands.json`).
 */
export async function renderReleaseFile(file: string, format: PreviewFormat, options: RenderFileOptions = {}): Promise<string> {
  const raw = readJsonFile(file);
  if (!isObject(raw)) throw new RenderInputError(`${file} : un objet JSON (le contenu du communiqué) est attendu`);
  const wrapped = isObject(raw.content);
  const rawContent = wrapped ? raw.content : raw;
  const prefix = wrapped ? 'content.' : '';
  const parsed = releaseContentSchema.safeParse(rawContent, french);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RenderInputError(`${file} : champ « ${prefix}${fieldOf(issue?.path ?? [])} » invalide : ${issue?.message ?? 'invalide'}`);
  }
  const content = parsed.data;

  let catalogue: Brand[] | undefined;
  const lookup = (id: string, field: string): Brand => {
    catalogue ??= brandsFrom(catalogueFile(file, options.brandsFile));
    const found = catalogue.find((b) => b.id === id);
    if (!found)
      throw new RenderInputError(
        `${file} : champ « ${field} » : marque inconnue « ${id} » (marques connues : ${catalogue.map((b) => b.id).join(', ') || 'aucune'})`,
      );
    return found;
  };
  // Brands carried by the file itself win over brands it names.
  const brand = raw.brand !== undefined ? parseBrand(raw.brand, `${file}, champ « brand »`) : lookup(content.brandId, `${prefix}brandId`);
  const coBrands = Array.isArray(raw.coBrands)
    ? raw.coBrands.map((b, i) => parseBrand(b, `${file}, champ « coBrands.${i} »`))
    : content.coBrandIds.map((id, i) => lookup(id, `${prefix}coBrandIds.${i}`));

  const base = (options.publicBaseUrl ?? process.env.PUBLIC_BASE_URL ?? `http://localhost:${process.env.PORT ?? 3000}`).replace(/\/$/, '');
  const id = wrapped && typeof raw.id === 'string' ? raw.id : basename(file).replace(/\.json$/i, '');
  const rendered = await renderReleaseAs(
    { content, brand, coBrands, webVersionUrl: publicReleaseUrl(base, id), now: options.now ?? new Date() },
    format,
    mjmlRenderer,
  );
  return rendered.body;
}

function catalogueFile(releaseFile: string, explicit: string | undefined): string {
  if (explicit) {
    if (!existsSync(explicit)) throw new RenderInputError(`--brands : fichier introuvable : ${explicit}`);
    return explicit;
  }
  const beside = join(dirname(resolve(releaseFile)), 'brands.json');
  return existsSync(beside) ? beside : demoBrandsFile;
}

/** A stored release, rendered by the running app (`GET /api/releases/{id}/preview`). */
export async function renderReleaseById(api: ApiClient, id: string, format: PreviewFormat): Promise<string> {
  return api.request<string>('GET', `/api/releases/${encodeURIComponent(id)}/preview?format=${format}`);
}

/** A path to an existing file is rendered locally; anything else is a release id for the API. */
export function looksLikeFile(arg: string): boolean {
  if (existsSync(arg)) return statSync(arg).isFile();
  // A JSON path that does not exist is a typo, not an id: say so rather than asking the server.
  if (/\.json$/i.test(arg) || arg.includes('/') || arg.includes('\\')) throw new RenderInputError(`fichier introuvable : ${arg}`);
  return false;
}

/** `communique render <release> [--format html|text|ics|web|preview] [--out file]`. */
export function registerRenderCommand(program: Command): void {
  program
    .command('render')
    .description(
      'affiche un communiqué rendu (mail HTML, texte, .ics, version en ligne, aperçu) : depuis un fichier JSON sans serveur, ou par son identifiant via l’application',
    )
    .argument('<release>', 'fichier JSON du communiqué, ou identifiant d’un communiqué enregistré')
    .option('-f, --format <format>', `format : ${previewFormats.join(', ')}`, 'html')
    .option('-o, --out <file>', 'écrit dans ce fichier au lieu de la sortie standard')
    .option('--brands <file>', 'marques (tableau JSON) pour un fichier qui les nomme par brandId')
    .action(async (release: string, options: { format: string; out?: string; brands?: string }) => {
      const format = previewFormats.find((f) => f === options.format);
      if (!format) throw new RenderInputError(`--format : « ${options.format} » inconnu (formats : ${previewFormats.join(', ')})`);
      const output = looksLikeFile(release)
        ? await renderReleaseFile(release, format, { brandsFile: options.brands })
        : await renderReleaseById(ApiClient.fromEnv(), release, format);
      if (options.out) {
        writeFileSync(options.out, output);
        console.error(`${format} écrit dans ${options.out} (${Buffer.byteLength(output).toLocaleString('fr-FR')} octets)`);
      } else {
        process.stdout.write(output);
      }
    });
}
