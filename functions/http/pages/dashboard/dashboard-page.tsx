import type { DashboardOverview } from '../../../app/dashboard-overview';
import { releaseStatuses } from '../../../domain/release';
import { StatusBadge } from '../campaigns/campaign-page';
import { instantText, localText } from '../components/local-time-text';

const releaseStatusLabels: Record<string, string> = {
  draft: 'Brouillons',
  in_review: 'En relecture',
  approved: 'Approuvés',
  sent: 'Envoyés',
};

/** Tableau de bord: releases by status, what waits for review, next sends, running campaigns, bounces and complaints. */
export function DashboardPage(props: { name: string; view: DashboardOverview }) {
  const v = props.view;
  return (
    <>
      <h1>Tableau de bord</h1>
      <p>Bonjour {props.name}.</p>
      <div class="cards">
        <section class="card" aria-labelledby="titre-statuts">
          <h2 id="titre-statuts">Communiqués par état</h2>
          <ul>
            {releaseStatuses.map((s) => (
              <li>
                <a href={`/communiques?statut=${s}`}>
                  {releaseStatusLabels[s]} : {v.releasesByStatus[s]}
                  {v.releasesPartial ? ' au moins' : ''}
                </a>
              </li>
            ))}
          </ul>
        </section>
        {v.toReview ? (
          <section class="card" aria-labelledby="titre-relire">
            <h2 id="titre-relire">À relire</h2>
            {v.toReview.length === 0 ? (
              <p>Rien à relire pour l’instant.</p>
            ) : (
              <ul>
                {v.toReview.map((r) => (
                  <li>
                    <a href={`/relecture/${r.id}`}>{r.content.title}</a>
                    {r.review?.submittedAt ? <span class="muted"> — soumis {instantText(r.review.submittedAt)}</span> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        ) : null}
        {v.readyToSend ? (
          <section class="card" aria-labelledby="titre-prets">
            <h2 id="titre-prets">Prêts à envoyer</h2>
            {v.readyToSend.length === 0 ? (
              <p>Aucun communiqué approuvé en attente d’envoi.</p>
            ) : (
              <ul>
                {v.readyToSend.map((r) => (
                  <li>
                    {r.content.title} — <a href={`/communiques/${r.id}/envoi`}>Envoyer ou programmer</a>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ) : null}
      </div>

      <section aria-labelledby="titre-programmes">
        <h2 id="titre-programmes">Prochains envois programmés</h2>
        {v.nextScheduled.length === 0 ? (
          <p>Aucun envoi programmé.</p>
        ) : (
          <ul>
            {v.nextScheduled.map(({ campaign: c, releaseTitle }) => (
              <li>
                <a href={`/campagnes/${c.id}`}>{releaseTitle}</a> —{' '}
                {c.localSendAt ? localText(c.localSendAt, c.timeZone) : instantText(c.sendAt ?? c.createdAt, c.timeZone)}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="titre-en-cours">
        <h2 id="titre-en-cours">Campagnes en cours</h2>
        {v.running.length === 0 ? (
          <p>Aucune campagne en cours.</p>
        ) : (
          <ul>
            {v.running.map(({ campaign: c, releaseTitle, done, percent }) => (
              <li>
                <a href={`/campagnes/${c.id}`}>{releaseTitle}</a> <StatusBadge status={c.status} />
                <br />
                {c.total === undefined ? (
                  <span>Constitution de la liste des destinataires…</span>
                ) : (
                  <>
                    <progress max={c.total || 1} value={c.total ? done : 1} aria-label={`Progression de « ${releaseTitle} »`}>
                      {percent ?? 0} %
                    </progress>{' '}
                    <span>
                      {done} sur {c.total} ({percent ?? 0} %)
                    </span>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="titre-retours">
        <h2 id="titre-retours">Derniers rebonds et plaintes</h2>
        {v.feedback.length === 0 ? (
          <p>Aucun rebond ni plainte sur les campagnes récentes.</p>
        ) : (
          <table>
            <caption>Campagnes récentes signalées par SES (rebonds définitifs, plaintes, rejets)</caption>
            <thead>
              <tr>
                <th scope="col">Campagne</th>
                <th scope="col">Rebonds définitifs</th>
                <th scope="col">Plaintes</th>
                <th scope="col">Rejets</th>
              </tr>
            </thead>
            <tbody>
              {v.feedback.map(({ campaign: c, releaseTitle }) => (
                <tr>
                  <td>
                    <a href={`/campagnes/${c.id}`}>{releaseTitle}</a>
                  </td>
                  <td>{c.delivery?.bounced ?? 0}</td>
                  <td>{c.delivery?.complaints ?? 0}</td>
                  <td>{c.delivery?.rejected ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p class="hint">Les adresses en rebond définitif ou en plainte sont bloquées aussitôt : elles ne reçoivent plus rien.</p>
      </section>
    </>
  );
}
