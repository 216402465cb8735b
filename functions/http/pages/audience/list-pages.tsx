import type { ListSummary, MembersView } from '../../../app/list-members';
import { listKinds, optInModes, subscriptionStatuses } from '../../../domain/audience';
import type { Brand } from '../../../domain/brand';
import { isFiltered } from '../../../domain/member-filter';
import { CsrfField, ErrorSummary, errorFor, type FieldError, SelectField, TextArea, TextField } from '../components/forms';
import { contactPath, listKindLabels, listPath, mediumLabels, memberStatusLabels, optInLabels } from './audience-labels';

export interface ListDraft {
  readonly name?: string;
  readonly description?: string;
  readonly kind?: string;
  readonly optIn?: string;
  readonly publicSignup?: boolean;
  readonly brandId?: string;
}

/** "3 inscrits, 1 en attente de confirmation, 0 désinscrit": one string, so that it reads as one phrase. */
function Counts(props: { counts: ListSummary['counts'] }) {
  const n = props.counts;
  const plural = (count: number, word: string) => `${count} ${word}${count > 1 ? 's' : ''}`;
  return <>{`${plural(n.confirmed, 'inscrit')}, ${n.unconfirmed} en attente de confirmation, ${plural(n.unsubscribed, 'désinscrit')}`}</>;
}

export function AudienceIndexPage(props: {
  lists: readonly ListSummary[];
  canManage: boolean;
  csrfToken: string;
  contactSearch?: string;
  notFound?: boolean;
}) {
  return (
    <>
      <h1>Audience</h1>
      <ul class="actions">
        {props.canManage ? (
          <li>
            <a href="/audience/listes/nouvelle" class="button">
              Créer une liste
            </a>
          </li>
        ) : null}
        <li>
          <a href="/audience/suppressions">Adresses bloquées</a>
        </li>
        <li>
          <a href="/audience/segments">Segments</a>
        </li>
      </ul>
      <form method="get" action="/audience/contacts" class="actions">
        <label for="recherche-contact">Trouver un contact par son adresse e-mail</label>
        <input id="recherche-contact" type="search" name="adresse" value={props.contactSearch ?? ''} />
        <button type="submit" class="secondary">
          Ouvrir sa fiche
        </button>
      </form>
      {props.notFound ? <p role="alert">Aucun contact n’a l’adresse {props.contactSearch}.</p> : null}
      {props.lists.length === 0 ? (
        <p>Aucune liste pour l’instant.</p>
      ) : (
        <table>
          <caption>Listes de diffusion ({props.lists.length})</caption>
          <thead>
            <tr>
              <th scope="col">Liste</th>
              <th scope="col">Type</th>
              <th scope="col">Confirmation</th>
              <th scope="col">Inscription publique</th>
              <th scope="col">Membres</th>
            </tr>
          </thead>
          <tbody>
            {props.lists.map(({ list, counts }) => (
              <tr>
                <th scope="row">
                  <a href={listPath(list.id)}>{list.name}</a>
                </th>
                <td>{listKindLabels[list.kind] ?? list.kind}</td>
                <td>{list.optIn === 'double' ? 'double' : 'simple'}</td>
                <td>{list.publicSignup ? 'ouverte' : 'fermée'}</td>
                <td>
                  <Counts counts={counts} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export function ListForm(props: {
  action: string;
  submit: string;
  draft: ListDraft;
  brands: readonly Brand[];
  csrfToken: string;
  errors?: readonly FieldError[];
}) {
  const d = props.draft;
  return (
    <>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={props.action} novalidate>
        <CsrfField token={props.csrfToken} />
        <TextField name="name" label="Nom de la liste" value={d.name} maxlength={120} error={errorFor(props.errors, 'name')} required />
        <TextArea
          name="description"
          label="Description (facultatif)"
          value={d.description}
          maxlength={1000}
          rows={3}
          error={errorFor(props.errors, 'description')}
        />
        <SelectField
          name="kind"
          label="Type de liste"
          hint="Une liste presse peut réunir des journalistes sur la base de l’intérêt légitime ; les autres, sur leur consentement seulement."
          value={d.kind ?? 'press'}
          options={listKinds.map((k) => ({ value: k, label: listKindLabels[k] ?? k }))}
          error={errorFor(props.errors, 'kind')}
          required
        />
        <SelectField
          name="optIn"
          label="Confirmation de l’inscription"
          value={d.optIn ?? 'double'}
          options={optInModes.map((m) => ({ value: m, label: optInLabels[m] ?? m }))}
          error={errorFor(props.errors, 'optIn')}
          required
        />
        <div class={errorFor(props.errors, 'publicSignup') ? 'field field-error' : 'field'}>
          <input id="champ-publicSignup" type="checkbox" name="publicSignup" value="oui" checked={d.publicSignup === true} />{' '}
          <label for="champ-publicSignup">Inscription publique : la liste figure sur la page d’inscription</label>
        </div>
        <SelectField
          name="brandId"
          label="Marque"
          hint="Son identité habille la page d’inscription et les courriels de la liste."
          value={d.brandId ?? ''}
          options={[{ value: '', label: 'Aucune' }, ...props.brands.map((b) => ({ value: b.id, label: b.name }))]}
          error={errorFor(props.errors, 'brandId')}
        />
        <button type="submit">{props.submit}</button>
      </form>
    </>
  );
}

const memberQuery = (v: MembersView, cursor?: string) =>
  new URLSearchParams({
    ...(v.filter.search ? { q: v.filter.search } : {}),
    ...(v.filter.status ? { statut: v.filter.status } : {}),
    ...(v.filter.medium ? { media: v.filter.medium } : {}),
    ...(v.filter.department ? { departement: v.filter.department } : {}),
    ...(v.filter.tags && v.filter.tags.length > 0 ? { etiquettes: v.filter.tags.join(', ') } : {}),
    ...(cursor ? { curseur: cursor } : {}),
  }).toString();

export function ListPage(props: { view: MembersView; canManage: boolean; brandName?: string }) {
  const v = props.view;
  const l = v.list;
  const f = v.filter;
  return (
    <>
      <p>
        <a href="/audience">Audience</a>
      </p>
      <h1>{l.name}</h1>
      {l.description ? <p>{l.description}</p> : null}
      <dl>
        <dt>Type</dt>
        <dd>{listKindLabels[l.kind] ?? l.kind}</dd>
        <dt>Confirmation</dt>
        <dd>{optInLabels[l.optIn] ?? l.optIn}</dd>
        <dt>Inscription publique</dt>
        <dd>{l.publicSignup ? 'ouverte' : 'fermée'}</dd>
        <dt>Marque</dt>
        <dd>{props.brandName ?? 'aucune'}</dd>
        <dt>Membres</dt>
        <dd>
          <Counts counts={v.counts} />
        </dd>
      </dl>
      {props.canManage ? (
        <p>
          <a href={`${listPath(l.id)}/modifier`}>Modifier la liste</a> ·{' '}
          <a href={`/audience/import?liste=${encodeURIComponent(l.id)}`}>Importer des contacts (CSV)</a>
        </p>
      ) : null}

      <h2 id="membres">Membres</h2>
      <form method="get" action={listPath(l.id)}>
        <TextField name="q" label="Rechercher (adresse, nom, média)" value={f.search} />
        <SelectField
          name="statut"
          label="État"
          value={f.status ?? ''}
          options={[{ value: '', label: 'Tous' }, ...subscriptionStatuses.map((s) => ({ value: s, label: memberStatusLabels[s] }))]}
        />
        <SelectField
          name="media"
          label="Type de média"
          value={f.medium ?? ''}
          options={[{ value: '', label: 'Tous' }, ...Object.entries(mediumLabels).map(([value, label]) => ({ value, label }))]}
        />
        <TextField name="departement" label="Département" hint="Par exemple 41" value={f.department} maxlength={10} />
        <TextField
          name="etiquettes"
          label="Étiquettes"
          hint="Séparées par des virgules ; toutes doivent y être."
          value={f.tags?.join(', ')}
        />
        <button type="submit" class="secondary">
          Filtrer
        </button>
      </form>
      {v.rows.length === 0 ? (
        <p>{isFiltered(f) ? 'Aucun membre ne correspond à ces critères sur cette page.' : 'Cette liste n’a pas encore de membres.'}</p>
      ) : (
        <table>
          <caption>
            Membres de la liste {l.name}
            {isFiltered(f) ? ', filtrés' : ''}
          </caption>
          <thead>
            <tr>
              <th scope="col">Adresse</th>
              <th scope="col">Nom</th>
              <th scope="col">Média</th>
              <th scope="col">Type</th>
              <th scope="col">Dép.</th>
              <th scope="col">Étiquettes</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {v.rows.map(({ membership: m, subscriber: s }) => (
              <tr>
                <th scope="row">
                  <a href={contactPath(m.subscriberId)}>{m.email}</a>
                </th>
                <td>{s?.name ?? ''}</td>
                <td>{s?.outlet ?? ''}</td>
                <td>{s?.mediumType ? (mediumLabels[s.mediumType] ?? s.mediumType) : ''}</td>
                <td>{s?.department ?? ''}</td>
                <td>{(s?.tags ?? []).join(', ')}</td>
                <td>
                  <span class={`status status-${m.status}`}>{memberStatusLabels[m.status]}</span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {v.cursor ? (
        <nav class="pagination" aria-label="Pages des membres">
          <a href={`${listPath(l.id)}?${memberQuery(v, v.cursor)}#membres`}>Membres suivants</a>
        </nav>
      ) : null}
    </>
  );
}
