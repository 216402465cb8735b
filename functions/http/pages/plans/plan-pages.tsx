import { campaignStatusLabels } from '../../../app/campaign-progress-view';
import { type NewPlanView, offsetLabel, type PlanListView, type PlanTimelineView, stepLabels } from '../../../app/plan-timeline-view';
import type { PlanMovePreview } from '../../../app/preview-plan-move';
import { CsrfField, ErrorSummary, type FieldError, fieldId } from '../components/forms';
import { localText, zoneName } from '../components/local-time-text';

const releaseStatusLabels: Record<string, string> = { draft: 'brouillon', in_review: 'en relecture', approved: 'approuvé', sent: 'envoyé' };

export function PlanListPage(props: { view: PlanListView }) {
  const v = props.view;
  return (
    <>
      <h1>Plans d’annonces</h1>
      <p>Un plan programme les annonces d’un événement : save the date, invitation, rappel, le jour même, remerciements.</p>
      {v.plans.length === 0 ? (
        <p>Aucun plan pour l’instant.</p>
      ) : (
        <table>
          <caption>Plans, les plus récents d’abord</caption>
          <thead>
            <tr>
              <th scope="col">Événement</th>
              <th scope="col">Début</th>
              <th scope="col">Étapes</th>
            </tr>
          </thead>
          <tbody>
            {v.plans.map(({ plan, eventName }) => (
              <tr>
                <td>
                  <a href={`/plans/${plan.id}`}>{eventName}</a>
                </td>
                <td>{localText(plan.eventStart, plan.timeZone)}</td>
                <td>{plan.steps.length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {v.cursor ? (
        <nav class="pagination" aria-label="Pages des plans">
          <a href={`/plans?curseur=${encodeURIComponent(v.cursor)}`}>Plans suivants</a>
        </nav>
      ) : null}
      <h2>Créer un plan</h2>
      {v.plannable.length === 0 ? (
        <p>Aucune annonce d’événement sans plan parmi les communiqués récents.</p>
      ) : (
        <ul>
          {v.plannable.map((r) => (
            <li>
              {r.content.title}
              {r.content.event ? ` — ${localText(r.content.event.start, r.content.event.timeZone)}` : ''}{' '}
              {v.canCreate ? <a href={`/plans/nouveau?source=${encodeURIComponent(r.id)}`}>Planifier ses annonces</a> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

export function NewPlanPage(props: { view: NewPlanView; csrfToken: string; errors?: readonly FieldError[] }) {
  const v = props.view;
  const event = v.source.content.event;
  return (
    <>
      <h1>Planifier les annonces</h1>
      <ErrorSummary errors={props.errors} />
      <p>
        Événement : <a href={`/communiques/${v.source.id}`}>{event?.name ?? v.source.content.title}</a>
        {event ? `, ${localText(event.start, event.timeZone)}` : ''}.
      </p>
      <form method="post" action="/plans">
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="source" value={v.source.id} />
        <input type="hidden" name="cle" value={v.key} />
        <fieldset id={fieldId('listIds')}>
          <legend>Listes destinataires</legend>
          {v.lists.map((l) => (
            <div>
              <input type="checkbox" id={`liste-${l.id}`} name="listes" value={l.id} checked={v.chosenLists.includes(l.id)} />{' '}
              <label for={`liste-${l.id}`}>{l.name}</label>
            </div>
          ))}
        </fieldset>
        <table id={fieldId('steps')}>
          <caption>Étapes (jours comptés depuis le jour de l’événement ; heures en {zoneName(event?.timeZone)})</caption>
          <thead>
            <tr>
              <th scope="col">Étape</th>
              <th scope="col">Jours avant (−) ou après (+)</th>
              <th scope="col">Heure</th>
              <th scope="col">Envoi prévu</th>
            </tr>
          </thead>
          <tbody>
            {v.steps.map((s, i) => (
              <tr>
                <td>
                  <input type="hidden" name={`etapes.${i}.type`} value={s.type} />
                  <input type="checkbox" id={`etape-${i}`} name={`etapes.${i}.incluse`} value="oui" checked={s.included} />{' '}
                  <label for={`etape-${i}`}>{stepLabels[s.type]}</label>
                </td>
                <td>
                  <label class="visually-hidden" for={`etape-${i}-jours`}>
                    Jours par rapport à l’événement pour « {stepLabels[s.type]} »
                  </label>
                  <input
                    type="number"
                    id={`etape-${i}-jours`}
                    name={`etapes.${i}.jours`}
                    value={String(s.offsetDays)}
                    min="-365"
                    max="60"
                  />
                </td>
                <td>
                  <label class="visually-hidden" for={`etape-${i}-heure`}>
                    Heure d’envoi de « {stepLabels[s.type]} »
                  </label>
                  <input type="time" id={`etape-${i}-heure`} name={`etapes.${i}.heure`} value={s.time} />
                </td>
                <td>{s.localSendAt ? `${offsetLabel(s.offsetDays)}, ${localText(s.localSendAt, event?.timeZone)}` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <div class="actions">
          <button type="submit">Créer le plan et programmer les envois</button>
          <button type="submit" class="secondary" formaction="/plans/nouveau" formmethod="get">
            Recalculer les dates
          </button>
        </div>
      </form>
    </>
  );
}

export function PlanTimelinePage(props: { view: PlanTimelineView }) {
  const v = props.view;
  const p = v.plan;
  return (
    <>
      <h1>Plan : {v.eventName}</h1>
      <p>
        Événement {localText(p.eventStart, p.timeZone)}. Listes : {v.listNames.join(', ')}.
      </p>
      <ol class="timeline">
        {v.steps.map((s) => (
          <li>
            <h2>
              {stepLabels[s.type]} <span class="muted">({offsetLabel(s.offsetDays)})</span>
            </h2>
            <p>
              Envoi {localText(s.localSendAt, p.timeZone)} — campagne{' '}
              <a href={`/campagnes/${s.campaignId}`}>
                <span class="status">{s.campaignStatus ? campaignStatusLabels[s.campaignStatus] : 'introuvable'}</span>
              </a>
            </p>
            <p>
              <a href={`/communiques/${s.releaseId}`}>{s.releaseTitle ?? s.releaseId}</a>{' '}
              <span class="muted">({s.releaseStatus ? releaseStatusLabels[s.releaseStatus] : 'supprimé'})</span> — ouvrir dans l’éditeur
            </p>
          </li>
        ))}
      </ol>
      {v.canChange ? (
        <section aria-labelledby="titre-deplacer">
          <h2 id="titre-deplacer">Déplacer l’événement</h2>
          <form method="get" action={`/plans/${p.id}/deplacement`}>
            <div class="field">
              <label for={fieldId('eventStart')}>Nouveau début de l’événement ({zoneName(p.timeZone)})</label>
              <input type="datetime-local" id={fieldId('eventStart')} name="debut" value={p.eventStart} required />
            </div>
            <button type="submit" class="secondary">
              Voir ce qui change
            </button>
          </form>
        </section>
      ) : null}
    </>
  );
}

export function PlanMovePage(props: { view: PlanMovePreview; eventName: string; csrfToken: string }) {
  const v = props.view;
  const tz = v.plan.timeZone;
  return (
    <>
      <h1>Déplacer l’événement</h1>
      <p>
        « {props.eventName} » passe du {localText(v.plan.eventStart, tz).replace(/^le /, '')} au{' '}
        {localText(v.newStart, tz).replace(/^le /, '')}.
      </p>
      <h2>Étapes qui seront déplacées ({v.moving.length})</h2>
      {v.moving.length === 0 ? (
        <p>Aucune.</p>
      ) : (
        <ul>
          {v.moving.map((s) => (
            <li>
              {stepLabels[s.type]} : {localText(s.from, tz)} → {localText(s.to, tz)}
            </li>
          ))}
        </ul>
      )}
      {v.wouldBePast.length > 0 ? (
        <>
          <h2>Étapes qui tomberaient dans le passé ({v.wouldBePast.length})</h2>
          <p>Elles ne seront pas déplacées et partiront à leur date actuelle, sauf si vous annulez leur campagne.</p>
          <ul>
            {v.wouldBePast.map((s) => (
              <li>
                {stepLabels[s.type]} : serait {localText(s.to, tz)}, reste {localText(s.from, tz)}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {v.unchanged.length > 0 ? (
        <>
          <h2>Étapes inchangées ({v.unchanged.length})</h2>
          <ul>
            {v.unchanged.map((s) => (
              <li>
                {stepLabels[s.type]} : campagne {s.status === 'inconnue' ? 'introuvable' : campaignStatusLabels[s.status]}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      <form method="post" action={`/plans/${v.plan.id}/deplacement`}>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="debut" value={v.newStart} />
        <div class="actions">
          <button type="submit">
            Déplacer l’événement et {v.moving.length} étape{v.moving.length > 1 ? 's' : ''}
          </button>
          <a href={`/plans/${v.plan.id}`}>Revenir au plan sans rien changer</a>
        </div>
      </form>
    </>
  );
}
