import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app/deps';
import { contactFields, importContacts } from '../app/import-contacts';
import { assertCan } from '../domain/actor';
import { ValidationError } from '../domain/errors';
import type { ApiEnv } from './api-env';
import { ErrorSchema, IdParam } from './api-schemas';
import { validationBody } from './error-responses';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

export const ImportReportSchema = z
  .object({
    rows: z
      .number()
      .int()
      .openapi({ description: 'Lignes de contacts lues (lignes vides non comptées) = créés + mis à jour + inchangés + ignorés + rejetés' }),
    created: z.number().int(),
    updated: z.number().int(),
    unchanged: z.number().int(),
    skippedSuppressed: z.number().int().openapi({ description: 'Adresses désinscrites ou bloquées : jamais réinscrites par un import' }),
    rejected: z.array(z.object({ line: z.number().int(), email: z.string().optional(), reason: z.string() })).openapi({
      description: 'Lignes refusées, par numéro de ligne du fichier (en-tête = ligne 1) ; un doublon d’adresse renvoie à sa première ligne',
    }),
    format: z.object({
      encoding: z.enum(['utf-8', 'windows-1252', 'utf-16le', 'utf-16be', 'mixed']),
      separator: z.string(),
      columns: z.array(z.object({ header: z.string(), field: z.enum(contactFields) })),
      ignoredColumns: z.array(z.string()),
    }),
  })
  .openapi('ImportReport');

/** What browsers and tools send for a .csv file; JSON and forms are refused (the body is the raw file). */
const acceptedTypes = ['text/csv', 'application/octet-stream', 'text/plain', 'application/csv', 'application/vnd.ms-excel'];

const MappingSchema = z.record(z.string(), z.string());

function parseMappingQuery(raw: string | undefined): Record<string, string> | undefined {
  if (raw === undefined || raw.trim() === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  const mapping = MappingSchema.safeParse(parsed);
  if (!mapping.success)
    throw new ValidationError('mapping : objet JSON attendu, par exemple {"Adresse pro": "email", "Titre": "outlet"}', 'mapping');
  return mapping.data;
}

/** The request body, chunk by chunk as it arrives: the file is never held whole. */
async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!finished) await reader.cancel().catch(() => undefined);
  }
}

/** `POST /lists/{id}/import`: mounted under /api, behind the token middleware (which sets the actor). */
export function importRoutes(deps: AppDeps): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationBody(result.error), 400);
    },
  });

  api.openapi(
    createRoute({
      method: 'post',
      path: '/lists/{id}/import',
      tags: ['audience'],
      summary: 'Importe des contacts depuis un fichier CSV',
      description:
        'Le corps est le fichier CSV brut (export Excel « ; » en Windows-1252, UTF-8 avec ou sans BOM, « , » ou tabulation), lu au fil de l’eau. En-têtes reconnus en français ou en anglais ; `mapping` les complète. Une adresse désinscrite ou bloquée n’est jamais réinscrite.',
      request: {
        params: IdParam,
        query: z.object({
          mapping: z
            .string()
            .optional()
            .openapi({ description: `JSON : {"en-tête du fichier": "champ"} ; champs : ${contactFields.join(', ')}, ignore` }),
          filename: z.string().max(200).optional().openapi({ description: 'Nom du fichier, noté dans le registre des consentements' }),
        }),
        body: {
          content: {
            'text/csv': { schema: z.string().openapi({ format: 'binary' }) },
            'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
          },
          required: true,
        },
      },
      responses: {
        200: json(ImportReportSchema, 'Compte rendu : créés, mis à jour, inchangés, ignorés (désinscrits), rejetés avec ligne et motif'),
        400: json(ErrorSchema, 'Fichier vide, binaire, sans colonne e-mail, ou mapping invalide'),
        401: json(ErrorSchema, 'Jeton d’administration absent ou invalide'),
        403: json(ErrorSchema, 'Rôle insuffisant (audience:manage)'),
        404: json(ErrorSchema, 'Liste introuvable'),
        415: json(ErrorSchema, 'Le corps doit être le fichier CSV brut'),
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      assertCan(actor, 'audience:manage');
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      if (!acceptedTypes.includes(type)) {
        return c.json(
          {
            error: 'unsupported_media_type',
            message: `Envoyez le fichier CSV brut dans le corps (content-type: text/csv), pas « ${type || 'aucun type'} ».`,
          },
          415,
        );
      }
      const { mapping: rawMapping, filename } = c.req.valid('query');
      const report = await importContacts(deps, c.req.valid('param').id, chunksOf(c.req.raw.body), {
        mapping: parseMappingQuery(rawMapping),
        actor: `${actor.name} (${actor.id})${filename ? ` : ${filename}` : ''}`,
      });
      return c.json(report, 200);
    },
  );
  return api;
}
