import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppDeps } from '../app/deps';
import { unsubscribeByToken } from '../app/unsubscribe';
import { verifyToken } from '../domain/tokens';

const page = (title: string, body: ReturnType<typeof html>) => html`<!doctype html>
<html lang="fr">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <meta name="robots" content="noindex" />
    <title>${title}</title>
    <style>
      body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1a1a1a; line-height: 1.5; }
      button { font-size: 1rem; padding: 0.6rem 1.2rem; background: #00557f; color: #fff; border: 0; border-radius: 4px; cursor: pointer; }
    </style>
  </head>
  <body>
    ${body}
  </body>
</html>`;

const invalidLink = () =>
  page('Lien invalide', html`<h1>Lien invalide ou expiré</h1><p>Ce lien n’est pas valide. Utilisez le lien du dernier message reçu, ou écrivez-nous.</p>`);

/** Pages reached from mails: no login, the signed token in the path is the authority. */
export function publicRoutes(deps: AppDeps): Hono {
  const pub = new Hono();

  // GET only shows a button: link scanners follow GETs and must not unsubscribe anyone.
  pub.get('/unsubscribe/:token', (c) => {
    const token = c.req.param('token');
    try {
      verifyToken(token, deps.tokenKeys, Math.floor(deps.clock.now().getTime() / 1000), 'unsubscribe');
    } catch {
      return c.html(invalidLink(), 403);
    }
    return c.html(
      page(
        'Se désinscrire',
        html`<h1>Se désinscrire</h1>
          <p>Vous ne recevrez plus les envois de cette liste.</p>
          <form method="post"><button type="submit">Confirmer la désinscription</button></form>`,
      ),
    );
  });

  // RFC 8058 one-click: a POST with no cookie and no auth does it.
  pub.post('/unsubscribe/:token', async (c) => {
    try {
      await unsubscribeByToken(deps, c.req.param('token'));
    } catch (e: unknown) {
      if (e instanceof Error && e.name === 'InvalidTokenError') return c.html(invalidLink(), 403);
      throw e;
    }
    return c.html(page('Désinscription confirmée', html`<h1>Désinscription confirmée</h1><p>Votre désinscription est prise en compte dès maintenant.</p>`));
  });

  return pub;
}
