import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { ZodError } from 'zod';
import { InvalidCursorError } from '../adapters/dynamodb/keys';
import { DomainError } from '../domain/errors';

export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly field?: string;
  readonly issues?: readonly { field: string; message: string }[];
}

const statusOf: Record<string, ContentfulStatusCode> = {
  not_found: 404,
  invalid: 400,
  conflict: 409,
  invalid_token: 403,
  render: 422,
  rate_limited: 429,
  forbidden: 403,
};

export function zodIssues(error: ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(corps)', message: i.message }));
}

export function validationBody(error: ZodError): ErrorBody {
  const issues = zodIssues(error);
  const first = issues[0];
  return {
    error: 'invalid',
    message: first ? `Champ « ${first.field} » : ${first.message}` : 'Requête invalide',
    field: first?.field,
    issues,
  };
}

/** Maps what use-cases throw to HTTP: 4xx with a French message for what the user can fix, 500 otherwise. */
export function errorResponse(c: Context, error: unknown, log: (e: unknown) => void): Response {
  if (error instanceof ZodError) return c.json(validationBody(error), 400);
  if (error instanceof InvalidCursorError)
    return c.json({ error: 'invalid', message: 'Curseur de pagination invalide', field: 'cursor' }, 400);
  if (error instanceof DomainError || (error instanceof Error && error.name === 'RenderError')) {
    const code = error instanceof DomainError ? error.code : 'render';
    const field = (error as { field?: string }).field;
    return c.json({ error: code, message: error.message, ...(field ? { field } : {}) }, statusOf[code] ?? 400);
  }
  log(error);
  return c.json({ error: 'internal', message: 'Erreur interne : l’opération n’a pas abouti, réessayez.' }, 500);
}
