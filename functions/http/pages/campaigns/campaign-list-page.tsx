import type { CampaignListView } from '../../../app/campaign-progress-view';
import { campaignStatusLabels } from '../../../app/campaign-progress-view';
import { campaignStatuses } from '../../../domain/campaign';
import { campaignWhen, StatusBadge } from './campaign-page';

export function CampaignListPage(props: { view: CampaignListView }) {
  const v = props.view;
  return (
    <>
      <h1>Campagnes</h1>
      <form method="get" action="/campagnes" class="actions">
        <label for="filtre-statut">État</label>
        <select id="filtre-statut" name="statut">
          <option value="">Tous</option>
          {campaignStatuses.map((s) => (
            <option value={s} selected={v.status === s}>
              {campaignStatusLabels[s]}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Filtrer
        </button>
      </form>
      {v.items.length === 0 ? (
        <p>Aucune campagne{v.status ? ` ${campaignStatusLabels[v.status]}` : ''}.</p>
      ) : (
        <table>
          <caption>Campagnes, les plus récentes d’abord{v.status ? ` (${campaignStatusLabels[v.status]})` : ''}</caption>
          <thead>
            <tr>
              <th scope="col">Communiqué</th>
              <th scope="col">État</th>
              <th scope="col">Moment</th>
              <th scope="col">Envoyés</th>
            </tr>
          </thead>
          <tbody>
            {v.items.map((c) => (
              <tr>
                <td>
                  <a href={`/campagnes/${c.id}`}>{c.releaseTitle ?? c.releaseId}</a>
                </td>
                <td>
                  <StatusBadge status={c.status} />
                </td>
                <td>{campaignWhen(c)}</td>
                <td>
                  {c.counts.sent}
                  {c.total !== undefined ? ` sur ${c.total}` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {v.cursor ? (
        <nav class="pagination" aria-label="Pages des campagnes">
          <a href={`/campagnes?${new URLSearchParams({ ...(v.status ? { statut: v.status } : {}), curseur: v.cursor }).toString()}`}>
            Campagnes suivantes
          </a>
        </nav>
      ) : null}
    </>
  );
}
