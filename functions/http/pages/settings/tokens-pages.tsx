import type { ApiTokenView } from '../../../app/list-api-tokens';
import { roles } from '../../../domain/actor';
import { type ApiTokenState, apiTokenLifetimes } from '../../../domain/api-token';
import { CsrfField, ErrorSummary, errorFor, type FieldError, SelectField, TextField } from '../components/forms';
import { roleLabels } from '../components/layout';
import { instantText } from '../components/local-time-text';

export const tokensPath = '/reglages/jetons';
export const revokePath = (id: string) => `${tokensPath}/${encodeURIComponent(id)}/revoquer`;

const stateLabels: Record<ApiTokenState, string> = { active: 'actif', expired: 'expiré', revoked: 'révoqué' };
const roleOptions = roles.map((r) => ({ value: r, label: roleLabels[r] ?? r }));
const lifetimeOptions = apiTokenLifetimes.map((d) => ({ value: String(d), label: d === 365 ? '1 an' : `${d} jours` }));

export interface TokenDraft {
  readonly name?: string;
  readonly role?: string;
  readonly expiresInDays?: string;
}

const when = (iso: string | undefined, none: string) => (iso ? instantText(iso) : none);

export function TokensPage(props: {
  tokens: readonly ApiTokenView[];
  csrfToken: string;
  draft?: TokenDraft;
  errors?: readonly FieldError[];
}) {
  return (
    <>
      <p>
        <a href="/reglages">Réglages</a>
      </p>
      <h1>Jetons d’API</h1>
      <p>
        Un jeton permet à un programme (la ligne de commande, un site) d’appeler l’API avec un rôle. Le secret n’est montré qu’une fois, à
        la création ; ensuite, seuls son nom et ses dates restent visibles.
      </p>
      {props.tokens.length === 0 ? (
        <p>Aucun jeton n’a encore été créé.</p>
      ) : (
        <table>
          <caption>Jetons, les plus récents d’abord ({props.tokens.length})</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Rôle</th>
              <th scope="col">Créé</th>
              <th scope="col">Expire</th>
              <th scope="col">Dernier usage</th>
              <th scope="col">État</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr>
                <th scope="row">{t.name}</th>
                <td>{roleLabels[t.role] ?? t.role}</td>
                <td>
                  {when(t.createdAt || undefined, 'date inconnue')}
                  {t.createdBy ? `, par ${t.createdBy}` : ''}
                </td>
                <td>{when(t.expiresAt, 'jamais')}</td>
                <td>{when(t.lastUsedAt, 'jamais utilisé')}</td>
                <td>
                  <span class={`status status-${t.state}`}>{stateLabels[t.state]}</span>
                  {t.revokedAt ? ` ${instantText(t.revokedAt)}` : ''}
                </td>
                <td>
                  {t.state === 'revoked' ? (
                    '—'
                  ) : (
                    <a href={revokePath(t.id)}>
                      Révoquer<span class="visually-hidden"> le jeton {t.name}</span>
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="creer">Créer un jeton</h2>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={tokensPath} novalidate>
        <CsrfField token={props.csrfToken} />
        <TextField
          name="name"
          label="Nom du jeton"
          hint="Pour le reconnaître plus tard, par exemple « Ligne de commande de Claire »."
          value={props.draft?.name}
          maxlength={120}
          error={errorFor(props.errors, 'name')}
          required
        />
        <SelectField
          name="role"
          label="Rôle"
          value={props.draft?.role ?? 'editor'}
          options={roleOptions}
          error={errorFor(props.errors, 'role')}
          required
        />
        <SelectField
          name="expiresInDays"
          label="Validité"
          hint="Passé ce délai, l’API refuse le jeton."
          value={props.draft?.expiresInDays ?? '90'}
          options={lifetimeOptions}
          error={errorFor(props.errors, 'expiresInDays')}
          required
        />
        <button type="submit">Créer le jeton</button>
      </form>
    </>
  );
}

/** Shown once, right after creation: the secret is never stored in clear, so never shown again. */
export function TokenCreatedPage(props: { token: string; view: ApiTokenView }) {
  return (
    <>
      <p>
        <a href={tokensPath}>Jetons d’API</a>
      </p>
      <h1>Jeton « {props.view.name} » créé</h1>
      <p>
        Copiez-le maintenant : <strong>il ne sera plus jamais affiché</strong>. Rôle : {roleLabels[props.view.role] ?? props.view.role} ;{' '}
        {props.view.expiresAt ? `expire ${instantText(props.view.expiresAt)}` : 'sans expiration'}.
      </p>
      <label for="secret-du-jeton">Secret du jeton</label>
      <input id="secret-du-jeton" type="text" readonly value={props.token} size={40} autocomplete="off" spellcheck={false} />
      <p class="hint">À utiliser dans l’en-tête « Authorization: Bearer … » des appels à l’API.</p>
      <p>
        <a href={tokensPath}>Retour à la liste des jetons</a>
      </p>
    </>
  );
}

export function RevokeTokenPage(props: { view: ApiTokenView; csrfToken: string }) {
  const t = props.view;
  return (
    <>
      <h1>Révoquer le jeton « {t.name} » ?</h1>
      <p>
        Tout programme qui l’utilise recevra un refus (401) dès sa prochaine requête. Le jeton reste dans la liste, marqué révoqué, et la
        révocation est inscrite au journal. Cette action est définitive : pour rendre l’accès, créez un nouveau jeton.
      </p>
      <form method="post" action={revokePath(t.id)}>
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="danger">
          Révoquer le jeton
        </button>{' '}
        <a href={tokensPath}>Annuler</a>
      </form>
    </>
  );
}
