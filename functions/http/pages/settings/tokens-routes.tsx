import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { getApiToken, listApiTokens } from '../../../app/list-api-tokens';
import { createApiToken } from '../../../app/manage-tokens';
import { revokeApiToken } from '../../../app/revoke-api-token';
import { apiTokenState } from '../../../domain/api-token';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { RevokeTokenPage, TokenCreatedPage, type TokenDraft, TokensPage, tokensPath } from './tokens-pages';

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

async function tokensPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  draft?: TokenDraft,
  errors?: readonly FieldError[],
  status: 200 | 400 = 200,
) {
  const tokens = await listApiTokens(deps, c.get('actor'));
  return renderPage(
    c,
    { title: 'Jetons d’API', area: 'settings', status },
    <TokensPage tokens={tokens} csrfToken={c.get('csrfToken')} draft={draft} errors={errors} />,
  );
}

/** Réglages › Jetons d’API (admins only; the use-cases check): create with role and expiry, list, revoke. */
export function tokenPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.use(tokensPath, requireUser());
  app.use(`${tokensPath}/*`, requireUser());

  app.get(tokensPath, (c) => tokensPage(c, deps));

  app.post(tokensPath, async (c) => {
    const form = await c.req.parseBody();
    const draft = { name: field(form, 'name'), role: field(form, 'role'), expiresInDays: field(form, 'expiresInDays') };
    try {
      const { token, record } = await createApiToken(deps, c.get('actor'), draft);
      // Answered here, not after a redirect: the secret must not travel in a cookie or a URL.
      return renderPage(
        c,
        { title: `Jeton « ${record.name} » créé`, area: 'settings', status: 201 },
        <TokenCreatedPage token={token} view={{ ...record, state: apiTokenState(record, deps.clock.now()) }} />,
      );
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || (e as { code?: string }).code === 'forbidden') throw e;
      return tokensPage(c, deps, draft, errors, 400);
    }
  });

  app.get(`${tokensPath}/:id/revoquer`, async (c) => {
    const view = await getApiToken(deps, c.get('actor'), c.req.param('id'));
    return renderPage(
      c,
      { title: `Révoquer le jeton ${view.name}`, area: 'settings' },
      <RevokeTokenPage view={view} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post(`${tokensPath}/:id/revoquer`, async (c) => {
    const revoked = await revokeApiToken(deps, c.get('actor'), c.req.param('id'));
    setNotice(c, `Le jeton « ${revoked.name} » est révoqué : l’API le refuse désormais.`);
    return c.redirect(tokensPath, 303);
  });

  return app;
}
