import type { Context } from 'hono';
import { Hono } from 'hono';
import { html } from 'hono/html';
import { ZodError } from 'zod';
import { confirmSubscription } from '../app/confirm-subscription';
import type { AppDeps } from '../app/deps';
import { getPreferences, type PreferencesView, updatePreferences } from '../app/manage-preferences';
import { publicBrandFor } from '../app/public-brand';
import { RateLimitedError, type RequestContext, subscribe } from '../app/subscribe';
import { unsubscribeByToken } from '../app/unsubscribe';
import type { Brand } from '../domain/brand';
import { signupWording } from '../domain/consent';
import { DomainError } from '../domain/errors';
import { InvalidTokenError, verifyToken } from '../domain/tokens';
import { zodIssues } from './error-responses';
import { type ClientAddress, socketClientAddress } from './pages/auth/client-address';
import { invalidLinkPage, privacyBlock, publicPage } from './public-page';

/**
 * The sign-up limit and the consent record take the address the runtime saw (the socket, API
 * Gateway's sourceIp, or the edge's viewer address), the workspace's `ClientAddress`: never the
 * first X-Forwarded-For value, which the client writes and could change on every post.
 */
const requestContext = (c: Context, clientAddress: ClientAddress): RequestContext => ({
  ip: clientAddress(c),
  userAgent: c.req.header('user-agent') ?? '',
});

const asArray = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

/** Turns a use-case error into a French page; anything unexpected goes to the app's error handler. */
function errorPage(c: Context, e: unknown) {
  if (e instanceof InvalidTokenError) return c.html(invalidLinkPage(), 403);
  if (e instanceof RateLimitedError) return c.html(publicPage('Trop de demandes', html`<h1>Trop de demandes</h1><p>${e.message}</p>`), 429);
  if (e instanceof ZodError) {
    const issue = zodIssues(e)[0];
    return c.html(
      publicPage(
        'Formulaire incomplet',
        html`<h1>Formulaire incomplet</h1><p class="error">${issue?.field} : ${issue?.message}</p><p><a href="/subscribe">Revenir au formulaire</a></p>`,
      ),
      400,
    );
  }
  if (e instanceof DomainError)
    return c.html(
      publicPage(
        'Demande refusée',
        html`<h1>Demande refusée</h1><p class="error">${e.message}</p><p><a href="/subscribe">Revenir au formulaire</a></p>`,
      ),
      400,
    );
  throw e;
}

const preferencesForm = (view: PreferencesView, saved: boolean, brand: Brand | undefined) =>
  publicPage(
    'Vos préférences',
    html`<h1>Vos préférences</h1>
      ${saved ? html`<p role="status">Préférences enregistrées.</p>` : ''}
      ${
        view.confirmationRequested.length > 0
          ? html`<p role="status">Un message de confirmation vient d’être envoyé à votre adresse : cliquez sur son lien pour recevoir les listes demandées.</p>`
          : ''
      }
      <p>Adresse : <strong>${view.maskedEmail}</strong></p>
      <form method="post">
        <label>Nom <input type="text" name="name" value="${view.subscriber.name ?? ''}" maxlength="200" /></label>
        <label>Langue
          <select name="language">
            <option value="fr" ${view.subscriber.language === 'fr' ? 'selected' : ''}>français</option>
            <option value="en" ${view.subscriber.language === 'en' ? 'selected' : ''}>English</option>
          </select>
        </label>
        <fieldset>
          <legend>Listes</legend>
          ${view.lists.map(
            ({ list, status }) =>
              html`<label><input type="checkbox" name="listIds" value="${list.id}" ${status === 'confirmed' || status === 'unconfirmed' ? 'checked' : ''} /> ${list.name}
                ${status === 'unconfirmed' ? html` <small>(en attente de confirmation)</small>` : ''}
                ${list.description ? html`<br /><small>${list.description}</small>` : ''}</label>`,
          )}
        </fieldset>
        <p><small>${signupWording.text}</small></p>
        <button type="submit">Enregistrer</button>
      </form>
      <form method="post"><input type="hidden" name="unsubscribeAll" value="1" /><p><button class="secondary" type="submit">Me désinscrire de tout</button></p></form>
      ${privacyBlock(brand)}`,
    { brand },
  );

/** The brand of the lists a person is on (or was offered), for the preference page's identity. */
const preferencesBrand = (deps: AppDeps, view: PreferencesView) =>
  publicBrandFor(deps, {
    listIds: [...view.lists.filter((l) => l.status !== 'none'), ...view.lists].map((l) => l.list.id),
  });

/** Pages reached from mails and the public sign-up: no login, a signed token is the authority. */
export function publicRoutes(deps: AppDeps, clientAddress: ClientAddress = socketClientAddress): Hono {
  const pub = new Hono();
  const nowSeconds = () => Math.floor(deps.clock.now().getTime() / 1000);

  /** The brand a token's page wears: the one of the lists the link was made for. */
  const tokenBrand = (token: string, purpose: 'confirm' | 'unsubscribe') => {
    try {
      return publicBrandFor(deps, { listIds: verifyToken(token, deps.tokenKeys, nowSeconds(), purpose).listIds ?? [] });
    } catch {
      return publicBrandFor(deps);
    }
  };

  pub.get('/subscribe', async (c) => {
    const asked = c.req.query('marque') || undefined;
    const offered = (await deps.store.listLists()).filter((l) => l.publicSignup);
    const brand = await publicBrandFor(deps, { brandId: asked, listIds: offered.map((l) => l.id) });
    // A brand's sign-up page offers its own lists (and those of no brand in particular).
    const lists = asked && brand?.id === asked ? offered.filter((l) => !l.brandId || l.brandId === brand.id) : offered;
    return c.html(
      publicPage(
        'S’inscrire',
        html`<h1>Recevoir nos communiqués et annonces</h1>
          <form method="post">
            <label>Adresse e-mail <input type="email" name="email" required maxlength="254" autocomplete="email" /></label>
            <label>Nom (facultatif) <input type="text" name="name" maxlength="200" autocomplete="name" /></label>
            <label class="hp" aria-hidden="true">Site web <input type="text" name="website" tabindex="-1" autocomplete="off" /></label>
            <fieldset>
              <legend>Listes</legend>
              ${lists.map((l) => html`<label><input type="checkbox" name="listIds" value="${l.id}" /> ${l.name}${l.description ? html`<br /><small>${l.description}</small>` : ''}</label>`)}
            </fieldset>
            <p><small>${signupWording.text}</small></p>
            <button type="submit">S’inscrire</button>
          </form>
          ${privacyBlock(brand)}`,
        { brand },
      ),
    );
  });

  pub.post('/subscribe', async (c) => {
    const form = await c.req.parseBody({ all: true });
    const brand = await publicBrandFor(deps, { listIds: asArray(form.listIds) });
    try {
      await subscribe(
        deps,
        {
          email: String(form.email ?? ''),
          name: form.name ? String(form.name) : undefined,
          listIds: asArray(form.listIds),
          website: form.website ? String(form.website) : undefined,
        },
        requestContext(c, clientAddress),
      );
    } catch (e: unknown) {
      return errorPage(c, e);
    }
    // The same answer whatever the address: the form must not reveal who is subscribed.
    return c.html(
      publicPage(
        'Vérifiez votre messagerie',
        html`<h1>Vérifiez votre messagerie</h1><p>Si l’adresse est valide, un message de confirmation vient de lui être envoyé. Cliquez sur le lien qu’il contient pour confirmer votre inscription.</p>
          ${privacyBlock(brand)}`,
        { brand },
      ),
    );
  });

  // GET shows a button, POST acts: mail scanners follow links and must not confirm or unsubscribe anyone.
  pub.get('/confirm/:token', async (c) => {
    const brand = await tokenBrand(c.req.param('token'), 'confirm');
    try {
      verifyToken(c.req.param('token'), deps.tokenKeys, nowSeconds(), 'confirm');
    } catch (e: unknown) {
      return errorPage(c, e);
    }
    return c.html(
      publicPage(
        'Confirmer l’inscription',
        html`<h1>Confirmer votre inscription</h1><form method="post"><button type="submit">Je confirme mon inscription</button></form>
          ${privacyBlock(brand)}`,
        { brand },
      ),
    );
  });

  pub.post('/confirm/:token', async (c) => {
    const brand = await tokenBrand(c.req.param('token'), 'confirm');
    try {
      const r = await confirmSubscription(deps, c.req.param('token'), requestContext(c, clientAddress));
      const text = r.alreadyConfirmed
        ? 'Cette inscription était déjà confirmée : rien n’a changé.'
        : 'Merci : votre inscription est confirmée.';
      return c.html(
        publicPage('Inscription confirmée', html`<h1>Inscription confirmée</h1><p>${text}</p>${privacyBlock(brand)}`, { brand }),
      );
    } catch (e: unknown) {
      return errorPage(c, e);
    }
  });

  pub.get('/unsubscribe/:token', async (c) => {
    const brand = await tokenBrand(c.req.param('token'), 'unsubscribe');
    try {
      verifyToken(c.req.param('token'), deps.tokenKeys, nowSeconds(), 'unsubscribe');
    } catch (e: unknown) {
      return errorPage(c, e);
    }
    return c.html(
      publicPage(
        'Se désinscrire',
        html`<h1>Se désinscrire</h1>
          <p>Vous ne recevrez plus les envois de cette liste.</p>
          <form method="post"><button type="submit">Confirmer la désinscription</button></form>`,
        { brand },
      ),
    );
  });

  // RFC 8058 one-click: a POST with no cookie and no auth does it.
  pub.post('/unsubscribe/:token', async (c) => {
    try {
      await unsubscribeByToken(deps, c.req.param('token'));
    } catch (e: unknown) {
      return errorPage(c, e);
    }
    return c.html(
      publicPage(
        'Désinscription confirmée',
        html`<h1>Désinscription confirmée</h1><p>Votre désinscription est prise en compte dès maintenant.</p>`,
      ),
    );
  });

  pub.get('/preferences/:token', async (c) => {
    try {
      const view = await getPreferences(deps, c.req.param('token'));
      return c.html(preferencesForm(view, false, await preferencesBrand(deps, view)));
    } catch (e: unknown) {
      return errorPage(c, e);
    }
  });

  pub.post('/preferences/:token', async (c) => {
    const form = await c.req.parseBody({ all: true });
    try {
      const view = await updatePreferences(
        deps,
        c.req.param('token'),
        {
          name: form.name === undefined ? undefined : String(form.name),
          language: form.language === undefined ? undefined : String(form.language),
          listIds: asArray(form.listIds),
          unsubscribeAll: form.unsubscribeAll === '1',
        },
        requestContext(c, clientAddress),
      );
      return c.html(preferencesForm(view, true, await preferencesBrand(deps, view)));
    } catch (e: unknown) {
      return errorPage(c, e);
    }
  });

  return pub;
}
