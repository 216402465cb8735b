import type { SuppressionsView } from '../../../app/manage-suppressions';
import { canLiftSuppression, suppressionReasonText } from '../../../app/manage-suppressions';
import type { SuppressionEntry } from '../../../domain/suppression';
import { CsrfField, ErrorSummary, errorFor, type FieldError, TextArea, TextField } from '../components/forms';
import { instantText } from '../components/local-time-text';

export const suppressionsPath = '/audience/suppressions';
export const liftPath = (key: string) => `${suppressionsPath}/${encodeURIComponent(key)}/lever`;

function Address(props: { entry: SuppressionEntry }) {
  return props.entry.email ? props.entry.email : <em>{props.entry.reason === 'erased' ? 'adresse effacée' : 'adresse non conservée'}</em>;
}

export function SuppressionsPage(props: {
  view: SuppressionsView;
  canManage: boolean;
  csrfToken: string;
  draft?: { email?: string; note?: string };
  errors?: readonly FieldError[];
}) {
  const v = props.view;
  return (
    <>
      <p>
        <a href="/audience">Audience</a>
      </p>
      <h1>Adresses bloquées</h1>
      <p>
        Aucun envoi ne part vers ces adresses, quelle que soit la liste. Un blocage manuel ou dû à une adresse en échec peut être levé ; une
        plainte, une désinscription de tous les envois ou un effacement ne se lèvent jamais depuis l’espace de travail.
      </p>
      <form method="get" action={suppressionsPath} class="actions">
        <label for="recherche-blocage">Rechercher une adresse</label>
        <input id="recherche-blocage" type="search" name="q" value={v.search ?? ''} />
        <button type="submit" class="secondary">
          Rechercher
        </button>
      </form>
      {v.exact ? (
        <p>
          {v.exact.entry ? (
            <>
              L’adresse {v.exact.email} est bloquée : {suppressionReasonText(v.exact.entry.reason)}, {instantText(v.exact.entry.at)}.
            </>
          ) : (
            <>L’adresse {v.exact.email} n’est pas bloquée.</>
          )}
        </p>
      ) : null}
      {v.items.length === 0 ? (
        <p>{v.search ? 'Aucun blocage ne correspond à cette recherche sur cette page.' : 'Aucune adresse bloquée.'}</p>
      ) : (
        <table>
          <caption>Blocages, les plus récents d’abord{v.search ? ` (recherche « ${v.search} »)` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Adresse</th>
              <th scope="col">Motif</th>
              <th scope="col">Date</th>
              {props.canManage ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {v.items.map((e) => (
              <tr>
                <th scope="row">
                  <Address entry={e} />
                </th>
                <td>{suppressionReasonText(e.reason)}</td>
                <td>{instantText(e.at)}</td>
                {props.canManage ? (
                  <td>
                    {canLiftSuppression(e) ? (
                      <a href={liftPath(e.key)}>
                        Lever le blocage<span class="visually-hidden"> de {e.email ?? 'cette adresse'}</span>
                      </a>
                    ) : (
                      'ne se lève pas'
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {v.cursor ? (
        <nav class="pagination" aria-label="Pages des blocages">
          <a href={`${suppressionsPath}?${new URLSearchParams({ ...(v.search ? { q: v.search } : {}), curseur: v.cursor }).toString()}`}>
            Blocages suivants
          </a>
        </nav>
      ) : null}
      {props.canManage ? (
        <>
          <h2 id="bloquer">Bloquer une adresse</h2>
          <ErrorSummary errors={props.errors} />
          <form method="post" action={suppressionsPath} novalidate>
            <CsrfField token={props.csrfToken} />
            <TextField
              name="email"
              label="Adresse e-mail"
              type="email"
              value={props.draft?.email}
              error={errorFor(props.errors, 'email')}
              autocomplete="off"
              required
            />
            <TextField
              name="note"
              label="Raison (facultatif)"
              hint="Inscrite au journal, par exemple « demande par téléphone le 3 mars »."
              value={props.draft?.note}
              maxlength={500}
              error={errorFor(props.errors, 'note')}
            />
            <button type="submit">Bloquer l’adresse</button>
          </form>
        </>
      ) : null}
    </>
  );
}

export function LiftSuppressionPage(props: {
  entry: SuppressionEntry;
  csrfToken: string;
  reason?: string;
  errors?: readonly FieldError[];
}) {
  const e = props.entry;
  return (
    <>
      <p>
        <a href={suppressionsPath}>Adresses bloquées</a>
      </p>
      <h1>Lever le blocage de {e.email ?? 'cette adresse'} ?</h1>
      <p>
        Motif du blocage : {suppressionReasonText(e.reason)}, {instantText(e.at)}. Une fois le blocage levé, l’adresse reçoit de nouveau les
        envois des listes où elle est inscrite. La levée et sa raison sont inscrites au journal.
      </p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={liftPath(e.key)} novalidate>
        <CsrfField token={props.csrfToken} />
        <TextArea
          name="reason"
          label="Pourquoi lever ce blocage ?"
          hint="Par exemple « boîte réparée, confirmé par téléphone »."
          value={props.reason}
          maxlength={500}
          rows={3}
          error={errorFor(props.errors, 'reason')}
          required
        />
        <button type="submit" class="danger">
          Lever le blocage
        </button>{' '}
        <a href={suppressionsPath}>Annuler</a>
      </form>
    </>
  );
}
