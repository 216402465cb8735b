import type { ListReach, SendChoice, SendDialogView } from '../../../app/send-dialog-view';
import { formatFrenchInstant, formatFrenchTime } from '../../../domain/french-dates';
import { describeFilter } from '../../../domain/segment';
import { CsrfField, ErrorSummary, type FieldError, fieldId } from '../components/forms';
import { instantText, localText, wallTextSentence, zoneName } from '../components/local-time-text';

const kindLabels: Record<string, string> = { press: 'presse', partners: 'partenaires', public: 'grand public' };

const people = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The query string that reopens the dialog (or its confirmation) with the same choice. */
export function choiceQuery(choice: SendChoice): string {
  const q = new URLSearchParams();
  for (const id of choice.listIds) q.append('listes', id);
  q.set('quand', choice.when === 'later' ? 'plus-tard' : 'maintenant');
  if (choice.date) q.set('date', choice.date);
  if (choice.time) q.set('heure', choice.time);
  if (choice.ambiguity) q.set('ambiguite', choice.ambiguity);
  if (choice.segmentId) q.set('segment', choice.segmentId);
  q.set('cle', choice.key);
  return q.toString();
}

/** Hidden fields carrying a choice from one step to the next. */
function ChoiceFields(props: { choice: SendChoice; withAmbiguity?: boolean }) {
  const c = props.choice;
  return (
    <>
      {c.listIds.map((id) => (
        <input type="hidden" name="listes" value={id} />
      ))}
      <input type="hidden" name="quand" value={c.when === 'later' ? 'plus-tard' : 'maintenant'} />
      {c.date ? <input type="hidden" name="date" value={c.date} /> : null}
      {c.time ? <input type="hidden" name="heure" value={c.time} /> : null}
      {props.withAmbiguity !== false && c.ambiguity ? <input type="hidden" name="ambiguite" value={c.ambiguity} /> : null}
      {c.segmentId ? <input type="hidden" name="segment" value={c.segmentId} /> : null}
      <input type="hidden" name="cle" value={c.key} />
    </>
  );
}

/** Who a list reaches and who it leaves out, and why. */
export function reachText(l: ListReach, embargoUntil?: string): string {
  if (l.embargoed) {
    return `Sous embargo${embargoUntil ? ` jusqu’au ${formatFrenchInstant(new Date(embargoUntil))}` : ''} : liste non presse, personne n’y recevra le communiqué avant la levée de l’embargo.`;
  }
  const out: string[] = [];
  if (l.outsideSegment) out.push(people(l.outsideSegment, 'personne hors segment', 'personnes hors segment'));
  if (l.notConfirmed > 0) out.push(people(l.notConfirmed, 'personne non confirmée', 'personnes non confirmées'));
  if (l.suppressed > 0)
    out.push(
      people(l.suppressed, 'adresse bloquée (désinscription, rebond ou plainte)', 'adresses bloquées (désinscription, rebond ou plainte)'),
    );
  return `Atteint ${people(l.recipients, 'personne', 'personnes')}${out.length > 0 ? ` ; laissées de côté : ${out.join(', ')}` : ' ; personne n’est laissé de côté'}.`;
}

/** The part that htmx refreshes when boxes or the time change: the total and what needs a decision. */
export function SendSummary(props: { view: SendDialogView }) {
  const v = props.view;
  const chosen = v.lists.filter((l) => l.checked);
  const excluded = chosen.filter((l) => l.embargoed);
  return (
    <>
      <h2>Résumé</h2>
      {chosen.length === 0 ? (
        <p>Aucune liste choisie.</p>
      ) : (
        <p>
          <strong>{people(v.total.recipients, 'destinataire', 'destinataires distincts')}</strong> avec{' '}
          {people(chosen.length, 'liste', 'listes')}
          {v.segment ? ` et le segment « ${v.segment.name} »` : ''}
          {v.total.notConfirmed + v.total.suppressed + (v.total.outsideSegment ?? 0) > 0
            ? ` (laissés de côté : ${v.segment ? `${v.total.outsideSegment ?? 0} hors segment, ` : ''}${v.total.notConfirmed} non confirmé(s), ${v.total.suppressed} adresse(s) bloquée(s))`
            : ''}
          .
        </p>
      )}
      {excluded.length > 0 ? (
        <p class="error-message">
          Sous embargo : l’envoi avant sa levée est réservé aux listes presse. Décochez{' '}
          {excluded.map((l) => `« ${l.list.name} »`).join(', ')} ou choisissez un moment après l’embargo.
        </p>
      ) : null}
      <TimeSummary view={v} />
    </>
  );
}

function TimeSummary(props: { view: SendDialogView }) {
  const t = props.view.time;
  if (!t) return <p>Envoi immédiat après confirmation.</p>;
  switch (t.kind) {
    case 'invalid':
      return <p>Indiquez la date et l’heure d’envoi ({zoneName(props.view.timeZone)}).</p>;
    case 'single':
      return <p>Envoi programmé {instantText(t.instant, props.view.timeZone)}.</p>;
    case 'repeated':
      return (
        <p>
          {localText(t.local, props.view.timeZone)} existe deux fois (retour à l’heure d’hiver) : vous devrez préciser laquelle, la première
          (heure d’été) ou la seconde (heure d’hiver).
        </p>
      );
    case 'skipped':
      return (
        <p class="error-message">
          {localText(t.local, props.view.timeZone)} n’existe pas (passage à l’heure d’été, les horloges sautent une heure). Heure valide
          suivante : {localText(t.nextValid, props.view.timeZone)}.
        </p>
      );
  }
}

/** The question asked in words when the chosen time is repeated or skipped by a clock change. */
function DaylightSavingQuestion(props: { view: SendDialogView }) {
  const t = props.view.time;
  if (t?.kind === 'repeated') {
    return (
      <fieldset id={fieldId('ambiguity')}>
        <legend>
          {wallTextSentence(t.local)} existe deux fois à Paris : les horloges reculent d’une heure cette nuit-là. Laquelle voulez-vous ?
        </legend>
        <div>
          <input type="radio" id="ambiguite-earlier" name="ambiguite" value="earlier" checked={props.view.choice.ambiguity === 'earlier'} />
          <label for="ambiguite-earlier">la première (heure d’été, UTC{t.earlier.offset}), avant le changement d’heure</label>
        </div>
        <div>
          <input type="radio" id="ambiguite-later" name="ambiguite" value="later" checked={props.view.choice.ambiguity === 'later'} />
          <label for="ambiguite-later">la seconde (heure d’hiver, UTC{t.later.offset}), une heure plus tard</label>
        </div>
      </fieldset>
    );
  }
  if (t?.kind === 'skipped') {
    return (
      <div class="field field-error">
        <p class="error-message">
          {wallTextSentence(t.local)} n’existe pas à Paris : cette nuit-là, les horloges avancent d’une heure (passage à l’heure d’été).
          Choisissez une autre heure, par exemple {localText(t.nextValid, props.view.timeZone)}.
        </p>
        <p>
          <button type="submit" name="heure" value={t.nextValid.slice(11, 16)} formaction={`/communiques/${props.view.release.id}/envoi`}>
            Prendre {formatFrenchTime(t.nextValid)}
          </button>
        </p>
      </div>
    );
  }
  return null;
}

/** Narrow the lists to a saved segment; the summary below counts who matches as the choice changes. */
function SegmentChoice(props: { view: SendDialogView }) {
  const v = props.view;
  if (v.segments.length === 0 && !v.choice.segmentId) return null;
  return (
    <div class="field">
      <label for={fieldId('segmentId')}>Segment (facultatif)</label>
      <select id={fieldId('segmentId')} name="segment" aria-describedby="segment-aide">
        <option value="" selected={!v.choice.segmentId}>
          Tous les membres des listes choisies
        </option>
        {v.segments.map((g) => (
          <option value={g.id} selected={g.id === v.choice.segmentId}>
            {g.name}
          </option>
        ))}
      </select>
      <p class="hint" id="segment-aide">
        {v.segment
          ? `Seuls les membres qui correspondent : ${describeFilter(v.segment.filter)}.`
          : 'Un segment ne garde que les contacts qui correspondent à ses critères (média, département, étiquettes, titre, langue).'}
      </p>
    </div>
  );
}

/** Step 1: choose lists and the moment. Works without JS (the form is a GET to the confirmation). */
export function SendDialogPage(props: { view: SendDialogView; errors?: readonly FieldError[] }) {
  const v = props.view;
  const id = v.release.id;
  const later = v.choice.when === 'later';
  return (
    <>
      <h1>Envoyer ou programmer</h1>
      <p>
        Communiqué : <a href={`/communiques/${id}`}>{v.release.content.title}</a>
      </p>
      <ErrorSummary errors={props.errors} />
      {v.blocked ? (
        <p class="error-message">{v.blocked}</p>
      ) : (
        <form
          method="get"
          action={`/communiques/${id}/envoi/confirmation`}
          hx-get={`/communiques/${id}/envoi/resume`}
          hx-trigger="change"
          hx-target="#resume-envoi"
          hx-swap="innerHTML"
        >
          <input type="hidden" name="cle" value={v.choice.key} />
          <fieldset id={fieldId('listIds')}>
            <legend>Listes destinataires</legend>
            {v.lists.length === 0 ? <p>Aucune liste n’existe encore : créez-en une dans Audience.</p> : null}
            {v.lists.map((l) => (
              <div class="field">
                <input
                  type="checkbox"
                  id={`liste-${l.list.id}`}
                  name="listes"
                  value={l.list.id}
                  checked={l.checked}
                  aria-describedby={`liste-${l.list.id}-portee`}
                />{' '}
                <label for={`liste-${l.list.id}`} style="display:inline">
                  {l.list.name} <span class="muted">({kindLabels[l.list.kind] ?? l.list.kind})</span>
                </label>
                <p class="hint" id={`liste-${l.list.id}-portee`}>
                  {reachText(l, v.embargoUntil)}
                </p>
              </div>
            ))}
          </fieldset>
          <SegmentChoice view={v} />
          <fieldset>
            <legend>Quand ?</legend>
            <div>
              <input type="radio" id="quand-maintenant" name="quand" value="maintenant" checked={!later} />{' '}
              <label for="quand-maintenant">Maintenant</label>
            </div>
            <div>
              <input type="radio" id="quand-plus-tard" name="quand" value="plus-tard" checked={later} />{' '}
              <label for="quand-plus-tard">À une date et une heure ({zoneName(v.timeZone)})</label>
            </div>
            <div class="field">
              <label for={fieldId('sendAt')}>Date d’envoi</label>
              <input type="date" id={fieldId('sendAt')} name="date" value={v.choice.date ?? ''} />
            </div>
            <div class="field">
              <label for="champ-heure">Heure d’envoi ({zoneName(v.timeZone)}, fuseau Europe/Paris)</label>
              <input type="time" id="champ-heure" name="heure" value={v.choice.time ?? ''} />
            </div>
            <DaylightSavingQuestion view={v} />
          </fieldset>
          <div id="resume-envoi">
            <SendSummary view={v} />
          </div>
          <div class="actions">
            <button type="submit">Continuer</button>
            <button type="submit" class="secondary" formaction={`/communiques/${id}/envoi`}>
              Actualiser les destinataires
            </button>
          </div>
        </form>
      )}
    </>
  );
}

/** Step 2: the confirmation repeats what will happen and needs a deliberate action naming the count. */
export function SendConfirmationPage(props: { view: SendDialogView; csrfToken: string }) {
  const v = props.view;
  const n = v.total.recipients;
  const count = people(n, 'destinataire', 'destinataires');
  const scheduled = v.time !== undefined && v.leavesAt !== undefined;
  const season = v.time?.kind === 'repeated' ? (v.choice.ambiguity === 'later' ? 'hiver' : 'été') : undefined;
  return (
    <>
      <h1>{scheduled ? 'Confirmer la programmation' : 'Confirmer l’envoi'}</h1>
      <dl class="summary">
        <dt>Objet</dt>
        <dd>{v.subject}</dd>
        <dt>Expéditeur</dt>
        <dd>
          {v.sender.name} &lt;{v.sender.address}&gt;
        </dd>
        <dt>Destinataires</dt>
        <dd>
          {count} (
          {v.lists
            .filter((l) => l.checked)
            .map((l) => l.list.name)
            .join(', ')}
          )
        </dd>
        {v.segment ? (
          <>
            <dt>Segment</dt>
            <dd>
              {v.segment.name} ({describeFilter(v.segment.filter)})
            </dd>
          </>
        ) : null}
        <dt>Moment</dt>
        <dd>
          {scheduled && v.time?.kind !== 'invalid' && v.time?.kind !== 'skipped'
            ? localText(v.time?.local ?? '', v.timeZone, season)
            : 'maintenant, dès la confirmation'}
        </dd>
      </dl>
      <form method="post" action={`/communiques/${v.release.id}/envoi`}>
        <CsrfField token={props.csrfToken} />
        <ChoiceFields choice={v.choice} />
        <div class="actions">
          <button type="submit">{scheduled ? `Programmer l’envoi à ${count}` : `Envoyer à ${count}`}</button>
          <a href={`/communiques/${v.release.id}/envoi?${choiceQuery(v.choice)}`}>Modifier</a>
        </div>
      </form>
    </>
  );
}
