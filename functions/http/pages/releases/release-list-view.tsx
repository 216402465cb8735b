import type { ReleaseFilters } from '../../../app/list-releases';
import { formatFrenchLongDate } from '../../../domain/french-dates';
import type { Release } from '../../../domain/release';
import { releaseKinds, releaseStatuses } from '../../../domain/release';
import { CsrfField } from '../components/forms';
import { releaseKindLabels, releaseStatusLabels } from '../components/release-labels';

export interface ReleaseListModel {
  readonly filters: ReleaseFilters;
  readonly items: readonly Release[];
  readonly brands: readonly { id: string; name: string }[];
  /** The next page's link, when there is one. */
  readonly nextHref?: string;
  /** Shown on pages after the first. */
  readonly firstHref?: string;
  readonly canWrite: boolean;
  /** Releases on this page the person may send now (review gate passed, `campaign:send`). */
  readonly sendableIds?: ReadonlySet<string>;
  readonly csrfToken: string;
}

const releaseDate = (r: Release) => formatFrenchLongDate(r.content.dateline?.date ?? r.createdAt.slice(0, 10));

/** /communiques: filters (status, brand, kind), search by title, a page of releases, the way to the next page. */
export function ReleaseList(m: ReleaseListModel) {
  const brandName = new Map(m.brands.map((b) => [b.id, b.name]));
  const sendable = m.sendableIds ?? new Set<string>();
  const actions = m.canWrite || sendable.size > 0;
  const filtered = Boolean(m.filters.status || m.filters.brandId || m.filters.kind || m.filters.q);
  return (
    <>
      <h1>Communiqués</h1>
      {m.canWrite ? (
        <p class="page-actions">
          <a class="button" href="/communiques/nouveau">
            Nouveau communiqué
          </a>{' '}
          <a class="button secondary" href="/communiques/nouveau?genre=evenement">
            Nouvelle annonce d’événement
          </a>
        </p>
      ) : null}
      <search aria-label="Filtrer les communiqués">
        <form method="get" action="/communiques" class="filters">
          <div class="field">
            <label for="filtre-q">Titre contient</label>
            <input id="filtre-q" name="q" type="search" value={m.filters.q ?? ''} maxlength={200} />
          </div>
          <div class="field">
            <label for="filtre-statut">Statut</label>
            <select id="filtre-statut" name="statut">
              <option value="">Tous</option>
              {releaseStatuses.map((s) => (
                <option value={s} selected={m.filters.status === s}>
                  {releaseStatusLabels[s]}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filtre-marque">Marque</label>
            <select id="filtre-marque" name="marque">
              <option value="">Toutes</option>
              {m.brands.map((b) => (
                <option value={b.id} selected={m.filters.brandId === b.id}>
                  {b.name}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="filtre-genre">Genre</label>
            <select id="filtre-genre" name="genre">
              <option value="">Tous</option>
              {releaseKinds.map((k) => (
                <option value={k} selected={m.filters.kind === k}>
                  {releaseKindLabels[k]}
                </option>
              ))}
            </select>
          </div>
          <button type="submit">Filtrer</button> {filtered ? <a href="/communiques">Tout afficher</a> : null}
        </form>
      </search>
      {m.items.length === 0 ? (
        <p>{filtered ? 'Aucun communiqué ne correspond à ces filtres.' : 'Aucun communiqué pour l’instant.'}</p>
      ) : (
        <table class="release-list">
          <caption>{filtered ? 'Communiqués correspondant aux filtres' : 'Tous les communiqués'}, les plus récents en premier</caption>
          <thead>
            <tr>
              <th scope="col">Titre</th>
              <th scope="col">Genre</th>
              <th scope="col">Marque</th>
              <th scope="col">Statut</th>
              <th scope="col">Date</th>
              {actions ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {m.items.map((r) => (
              <tr>
                <td>
                  <a href={`/communiques/${encodeURIComponent(r.id)}`}>{r.content.title}</a>
                </td>
                <td>{releaseKindLabels[r.content.kind] ?? r.content.kind}</td>
                <td>{[r.content.brandId, ...r.content.coBrandIds].map((b) => brandName.get(b) ?? b).join(' et ')}</td>
                <td>
                  <span class={`status status-${r.status}`}>{releaseStatusLabels[r.status]}</span>
                </td>
                <td>{releaseDate(r)}</td>
                {actions ? (
                  <td>
                    {sendable.has(r.id) ? (
                      <a href={`/communiques/${encodeURIComponent(r.id)}/envoi`}>
                        Envoyer ou programmer…<span class="visually-hidden"> « {r.content.title} »</span>
                      </a>
                    ) : null}{' '}
                    {m.canWrite ? (
                      <form method="post" action={`/communiques/${encodeURIComponent(r.id)}/dupliquer`} class="inline">
                        <CsrfField token={m.csrfToken} />
                        <button type="submit" class="link-button">
                          Dupliquer<span class="visually-hidden"> « {r.content.title} »</span>
                        </button>
                      </form>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {m.nextHref || m.firstHref ? (
        <nav aria-label="Pages de la liste" class="pagination">
          {m.firstHref ? <a href={m.firstHref}>Première page</a> : null} {m.nextHref ? <a href={m.nextHref}>Page suivante</a> : null}
        </nav>
      ) : null}
    </>
  );
}
