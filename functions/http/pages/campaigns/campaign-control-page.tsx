import type { CampaignAction } from '../../../app/campaign-actions';
import type { Campaign } from '../../../domain/campaign';
import type { LocalTimeReading } from '../../../domain/local-time-choice';
import { CsrfField, ErrorSummary, type FieldError, fieldId } from '../components/forms';
import { localText, wallTextSentence, zoneName } from '../components/local-time-text';
import { campaignWhen } from './campaign-page';

/** French path segment, title, explanation and button of each control. */
export const controlTexts: Record<CampaignAction, { path: string; title: string; body: string; button: string; done: string }> = {
  pause: {
    path: 'pause',
    title: 'Mettre la campagne en pause',
    body: 'Les envois en cours se terminent, puis plus aucun mail ne part. Personne ne recevra le mail deux fois : la reprise n’envoie qu’aux destinataires encore en attente.',
    button: 'Mettre en pause',
    done: 'Campagne mise en pause.',
  },
  resume: {
    path: 'reprise',
    title: 'Reprendre la campagne',
    body: 'Les destinataires encore en attente recevront le mail ; ceux qui l’ont déjà reçu ne le recevront pas une seconde fois.',
    button: 'Reprendre l’envoi',
    done: 'Campagne reprise.',
  },
  cancel: {
    path: 'annulation',
    title: 'Annuler la campagne',
    body: 'Plus aucun mail ne partira. Les mails déjà envoyés ne peuvent pas être rappelés. Une campagne annulée ne peut pas être reprise.',
    button: 'Annuler définitivement la campagne',
    done: 'Campagne annulée.',
  },
};

export function ControlConfirmPage(props: {
  campaign: Campaign;
  releaseTitle?: string;
  action: CampaignAction;
  csrfToken: string;
  errors?: readonly FieldError[];
}) {
  const t = controlTexts[props.action];
  const c = props.campaign;
  return (
    <>
      <h1>{t.title}</h1>
      <ErrorSummary errors={props.errors} />
      <p>
        Campagne « {props.releaseTitle ?? c.releaseId} », {campaignWhen(c)}.
      </p>
      <p>{t.body}</p>
      <form method="post" action={`/campagnes/${c.id}/${t.path}`}>
        <CsrfField token={props.csrfToken} />
        <div class="actions">
          <button type="submit" class={props.action === 'cancel' ? 'danger' : undefined}>
            {t.button}
          </button>
          <a href={`/campagnes/${c.id}`}>Revenir à la campagne sans rien changer</a>
        </div>
      </form>
    </>
  );
}

export function ReschedulePage(props: {
  campaign: Campaign;
  releaseTitle?: string;
  date?: string;
  time?: string;
  reading?: LocalTimeReading;
  ambiguity?: string;
  csrfToken: string;
  errors?: readonly FieldError[];
}) {
  const c = props.campaign;
  const zone = zoneName(c.timeZone);
  const r = props.reading;
  return (
    <>
      <h1>Reprogrammer la campagne</h1>
      <ErrorSummary errors={props.errors} />
      <p>
        Campagne « {props.releaseTitle ?? c.releaseId} », {campaignWhen(c)}.
      </p>
      <form method="post" action={`/campagnes/${c.id}/reprogrammation`}>
        <CsrfField token={props.csrfToken} />
        <div class="field">
          <label for={fieldId('sendAt')}>Nouvelle date d’envoi</label>
          <input type="date" id={fieldId('sendAt')} name="date" value={props.date ?? ''} required />
        </div>
        <div class="field">
          <label for="champ-heure">
            Nouvelle heure ({zone}, fuseau {c.timeZone ?? 'Europe/Paris'})
          </label>
          <input type="time" id="champ-heure" name="heure" value={props.time ?? ''} required />
        </div>
        {r?.kind === 'repeated' ? (
          <fieldset id={fieldId('ambiguity')}>
            <legend>{wallTextSentence(r.local)} existe deux fois : les horloges reculent d’une heure cette nuit-là. Laquelle ?</legend>
            <div>
              <input type="radio" id="ambiguite-earlier" name="ambiguite" value="earlier" checked={props.ambiguity === 'earlier'} />
              <label for="ambiguite-earlier">la première (heure d’été, UTC{r.earlier.offset})</label>
            </div>
            <div>
              <input type="radio" id="ambiguite-later" name="ambiguite" value="later" checked={props.ambiguity === 'later'} />
              <label for="ambiguite-later">la seconde (heure d’hiver, UTC{r.later.offset})</label>
            </div>
          </fieldset>
        ) : null}
        {r?.kind === 'skipped' ? (
          <p class="error-message">
            {wallTextSentence(r.local)} n’existe pas (passage à l’heure d’été). Heure valide suivante : {localText(r.nextValid, c.timeZone)}
            .
          </p>
        ) : null}
        <div class="actions">
          <button type="submit">Reprogrammer</button>
          <a href={`/campagnes/${c.id}`}>Revenir à la campagne sans rien changer</a>
        </div>
      </form>
    </>
  );
}
