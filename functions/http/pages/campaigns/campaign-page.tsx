import type { CampaignPageView, CampaignProgressView } from '../../../app/campaign-progress-view';
import { campaignStatusLabels } from '../../../app/campaign-progress-view';
import type { Campaign } from '../../../domain/campaign';
import { describeFilter } from '../../../domain/segment';
import { instantText, localText } from '../components/local-time-text';

const n = (x: number | undefined) => (x ?? 0).toLocaleString('fr-FR');

export function StatusBadge(props: { status: Campaign['status'] }) {
  return <span class={`status status-${props.status}`}>{campaignStatusLabels[props.status]}</span>;
}

/** When a campaign leaves or left, in words with the zone named. */
export function campaignWhen(c: Campaign): string {
  if (c.status === 'scheduled' && c.localSendAt) return `programmée ${localText(c.localSendAt, c.timeZone)}`;
  if (c.startedAt) return `partie ${instantText(c.startedAt)}`;
  if (c.sendAt) return `prévue ${instantText(c.sendAt, c.timeZone)}`;
  return `créée ${instantText(c.createdAt)}`;
}

/**
 * The polling fragment: counts by state, rate, estimated end, SES events. While the campaign
 * runs it asks for itself again every 2 s (htmx); without JS the page has an "Actualiser" link.
 */
export function CampaignProgress(props: { view: CampaignProgressView }) {
  const { campaign: c, progress, percent, live } = props.view;
  const counts = c.counts;
  const d = c.delivery ?? {};
  return (
    <section
      id="progression"
      aria-labelledby="titre-progression"
      {...(live ? { 'hx-get': `/campagnes/${c.id}/progression`, 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' } : {})}
    >
      <h2 id="titre-progression">Progression</h2>
      <p>
        État : <StatusBadge status={c.status} />
        {c.statusReason ? <span> — {c.statusReason}</span> : null}
      </p>
      {c.total === undefined ? (
        <p>{c.status === 'scheduled' ? 'Le public sera arrêté au moment de l’envoi.' : 'Constitution de la liste des destinataires…'}</p>
      ) : (
        <p>
          <label for="barre-progression">
            {n(progress.done)} traités sur {n(c.total)} destinataires ({percent ?? 0} %)
          </label>
          <br />
          <progress id="barre-progression" max={c.total || 1} value={c.total ? progress.done : 1}>
            {percent ?? 0} %
          </progress>
        </p>
      )}
      <table>
        <caption>Destinataires par état</caption>
        <thead>
          <tr>
            <th scope="col">En attente</th>
            <th scope="col">En cours d’envoi</th>
            <th scope="col">Envoyés</th>
            <th scope="col">Échecs</th>
            <th scope="col">Ignorés</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{n(counts.pending)}</td>
            <td>{n(counts.sending)}</td>
            <td>{n(counts.sent)}</td>
            <td>{n(counts.failed)}</td>
            <td>{n(counts.skipped)}</td>
          </tr>
        </tbody>
      </table>
      <p>
        Débit : {progress.ratePerSecond.toLocaleString('fr-FR')} mail(s) par seconde.
        {progress.estimatedEnd ? ` Fin estimée ${instantText(progress.estimatedEnd)}.` : ''}
        {c.finishedAt ? ` Terminée ${instantText(c.finishedAt)}.` : ''}
      </p>
      <table>
        <caption>Ce que SES a signalé après l’envoi</caption>
        <thead>
          <tr>
            <th scope="col">Remis</th>
            <th scope="col">Rebonds définitifs</th>
            <th scope="col">Rebonds temporaires</th>
            <th scope="col">Plaintes</th>
            <th scope="col">Rejets</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>{n(d.delivered)}</td>
            <td>{n(d.bounced)}</td>
            <td>{n(d.transientBounces)}</td>
            <td>{n(d.complaints)}</td>
            <td>{n(d.rejected)}</td>
          </tr>
        </tbody>
      </table>
    </section>
  );
}

/**
 * Pause, resume, reschedule and cancel, each leading to its confirmation page. The container
 * keeps its id even when empty, so the polled progress can replace it out of band once the
 * campaign's state changes (no stale "Mettre en pause" left on a finished campaign).
 */
export function CampaignControls(props: { view: CampaignPageView; outOfBand?: boolean }) {
  const v = props.view;
  const c = v.campaign;
  return (
    <div id="controles-campagne" {...(props.outOfBand ? { 'hx-swap-oob': 'true' } : {})}>
      {v.canControl && (v.controls.pause || v.controls.resume || v.controls.cancel || v.controls.reschedule) ? (
        <div class="actions">
          {v.controls.pause ? (
            <a class="button secondary" href={`/campagnes/${c.id}/pause`}>
              Mettre en pause
            </a>
          ) : null}
          {v.controls.resume ? (
            <a class="button" href={`/campagnes/${c.id}/reprise`}>
              Reprendre
            </a>
          ) : null}
          {v.controls.reschedule ? (
            <a class="button secondary" href={`/campagnes/${c.id}/reprogrammation`}>
              Reprogrammer
            </a>
          ) : null}
          {v.controls.cancel ? (
            <a class="button danger" href={`/campagnes/${c.id}/annulation`}>
              Annuler la campagne
            </a>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

export function CampaignPage(props: { view: CampaignPageView; failuresFrom?: string }) {
  const v = props.view;
  const c = v.campaign;
  return (
    <>
      <h1>Campagne : {v.releaseTitle ?? c.releaseId}</h1>
      <p>
        {campaignWhen(c)}. Listes : {v.listNames.join(', ')}.
        {c.audienceFilter
          ? ` Segment : ${c.segment ? `« ${c.segment.name} », ` : ''}${describeFilter(c.audienceFilter)} (critères figés au lancement).`
          : ''}{' '}
        Expéditeur : {c.sender.name} &lt;{c.sender.address}&gt;.
      </p>
      <p>
        <a href={`/communiques/${c.releaseId}`}>Voir le communiqué</a>
      </p>
      <CampaignProgress view={v} />
      <p>
        <a href={`/campagnes/${c.id}`}>Actualiser</a>
      </p>
      <CampaignControls view={v} />
      <section aria-labelledby="titre-echecs">
        <h2 id="titre-echecs">Échecs</h2>
        {v.failures.length === 0 ? (
          <p>{props.failuresFrom ? 'Plus d’échec à afficher.' : 'Aucun échec.'}</p>
        ) : (
          <table>
            <caption>Destinataires en échec et raison</caption>
            <thead>
              <tr>
                <th scope="col">Adresse</th>
                <th scope="col">Raison</th>
                <th scope="col">Date</th>
              </tr>
            </thead>
            <tbody>
              {v.failures.map((r) => (
                <tr>
                  <td>{r.email}</td>
                  <td>{r.error ?? 'raison inconnue'}</td>
                  <td>{instantText(r.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <nav class="pagination" aria-label="Pages des échecs">
          {props.failuresFrom ? <a href={`/campagnes/${c.id}#titre-echecs`}>Premiers échecs</a> : null}
          {v.failuresCursor ? (
            <a href={`/campagnes/${c.id}?echecs=${encodeURIComponent(v.failuresCursor)}#titre-echecs`}>Échecs suivants</a>
          ) : null}
        </nav>
      </section>
    </>
  );
}
