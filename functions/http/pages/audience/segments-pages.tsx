import type { AudienceEstimate } from '../../../app/estimate-audience';
import type { MailingList } from '../../../domain/audience';
import { describeFilter, mediumTypes, type Segment } from '../../../domain/segment';
import { CsrfField, ErrorSummary, errorFor, type FieldError, fieldId, TextField } from '../components/forms';
import { listKindLabels, mediumLabels } from './audience-labels';

export const segmentsPath = '/audience/segments';
export const segmentPath = (id: string) => `${segmentsPath}/${encodeURIComponent(id)}`;

/** The form as typed: lists of départements and tags as one comma-separated text each. */
export interface SegmentDraft {
  readonly name?: string;
  readonly mediumTypes?: readonly string[];
  readonly departments?: string;
  readonly tags?: string;
  readonly tagsMode?: string;
  readonly outletContains?: string;
  readonly language?: string;
}

const people = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function SegmentsIndexPage(props: { segments: readonly Segment[]; canManage: boolean }) {
  return (
    <>
      <p>
        <a href="/audience">Audience</a>
      </p>
      <h1>Segments</h1>
      <p>
        Un segment garde, parmi les membres des listes choisies à l’envoi, ceux dont la fiche correspond à ses critères : média,
        département, étiquettes, titre, langue.
      </p>
      {props.canManage ? (
        <p>
          <a href={`${segmentsPath}/nouveau`} class="button">
            Créer un segment
          </a>
        </p>
      ) : null}
      {props.segments.length === 0 ? (
        <p>Aucun segment pour l’instant.</p>
      ) : (
        <table>
          <caption>Segments ({props.segments.length})</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Critères</th>
              <th scope="col">Créé par</th>
            </tr>
          </thead>
          <tbody>
            {props.segments.map((g) => (
              <tr>
                <th scope="row">
                  <a href={segmentPath(g.id)}>{g.name}</a>
                </th>
                <td>{describeFilter(g.filter)}</td>
                <td>{g.createdBy ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Who matches in each list (confirmed, reachable) and who the segment leaves out. */
export function SegmentPage(props: {
  segment: Segment;
  reach: readonly { list: MailingList; estimate: AudienceEstimate }[];
  canManage: boolean;
}) {
  const g = props.segment;
  return (
    <>
      <p>
        <a href={segmentsPath}>Segments</a>
      </p>
      <h1>Segment : {g.name}</h1>
      <p>Critères : {describeFilter(g.filter)}.</p>
      {props.canManage ? (
        <ul class="actions">
          <li>
            <a href={`${segmentPath(g.id)}/modifier`}>Modifier</a>
          </li>
          <li>
            <a href={`${segmentPath(g.id)}/supprimer`}>Supprimer</a>
          </li>
        </ul>
      ) : null}
      {props.reach.length === 0 ? (
        <p>Aucune liste pour l’instant.</p>
      ) : (
        <table>
          <caption>Qui ce segment atteint, liste par liste (maintenant)</caption>
          <thead>
            <tr>
              <th scope="col">Liste</th>
              <th scope="col">Destinataires</th>
              <th scope="col">Laissés de côté</th>
            </tr>
          </thead>
          <tbody>
            {props.reach.map(({ list, estimate: e }) => (
              <tr>
                <th scope="row">
                  {list.name} <span class="muted">({listKindLabels[list.kind] ?? list.kind})</span>
                </th>
                <td>{people(e.recipients, 'personne', 'personnes')}</td>
                <td>{`${e.outsideSegment ?? 0} hors segment, ${e.notConfirmed} non confirmé(s), ${e.suppressed} adresse(s) bloquée(s)`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>Les campagnes déjà lancées gardent les critères qu’elles avaient au lancement.</p>
    </>
  );
}

/** The live count under the form: who matches among the confirmed members of every list. */
export function SegmentPreview(props: { estimate?: AudienceEstimate; empty: boolean }) {
  if (props.empty) return <p>Ajoutez au moins un critère : le nombre de contacts qui correspondent s’affichera ici.</p>;
  const e = props.estimate;
  if (!e) return null;
  return (
    <p>
      <strong>{people(e.recipients, 'contact joignable correspond', 'contacts joignables correspondent')}</strong> sur l’ensemble des listes
      ({e.outsideSegment ?? 0} hors segment, {e.notConfirmed} non confirmé(s), {e.suppressed} adresse(s) bloquée(s)).
    </p>
  );
}

export function SegmentForm(props: {
  action: string;
  submit: string;
  draft: SegmentDraft;
  csrfToken: string;
  errors?: readonly FieldError[];
  preview?: { estimate?: AudienceEstimate; empty: boolean };
}) {
  const d = props.draft;
  const errors = props.errors;
  const chosen = new Set(d.mediumTypes ?? []);
  const allMode = d.tagsMode === 'all';
  const mediumError = errorFor(errors, 'filter.mediumTypes');
  return (
    <>
      <ErrorSummary errors={errors} />
      <form
        method="post"
        action={props.action}
        hx-get={`${segmentsPath}/apercu`}
        hx-trigger="input changed delay:600ms, change"
        hx-target="#apercu-segment"
        hx-swap="innerHTML"
      >
        <CsrfField token={props.csrfToken} />
        <TextField name="name" label="Nom du segment" value={d.name} required maxlength={120} error={errorFor(errors, 'name')} />
        <fieldset id={fieldId('filter')}>
          <legend>Critères (tous ceux remplis doivent correspondre)</legend>
          {errorFor(errors, 'filter') ? <p class="error-message">{errorFor(errors, 'filter')}</p> : null}
          <fieldset id={fieldId('filter.mediumTypes')}>
            <legend>Média (l’un de ceux cochés)</legend>
            {mediumError ? <p class="error-message">{mediumError}</p> : null}
            {mediumTypes.map((m) => (
              <div>
                <input type="checkbox" id={`media-${m}`} name="mediumTypes" value={m} checked={chosen.has(m)} />{' '}
                <label for={`media-${m}`} style="display:inline">
                  {mediumLabels[m] ?? m}
                </label>
              </div>
            ))}
          </fieldset>
          <TextField
            name="departments"
            field="filter.departments"
            label="Départements"
            hint="Numéros séparés par des virgules, par exemple : 41, 37, 2A"
            value={d.departments}
            error={errorFor(errors, 'filter.departments')}
          />
          <TextField
            name="tags"
            field="filter.tags"
            label="Étiquettes"
            hint="Séparées par des virgules ; majuscules et accents ignorés"
            value={d.tags}
            error={errorFor(errors, 'filter.tags')}
          />
          <fieldset id={fieldId('filter.tagsMode')}>
            <legend>Pour les étiquettes</legend>
            <div>
              <input type="radio" id="etiquettes-any" name="tagsMode" value="any" checked={!allMode} />{' '}
              <label for="etiquettes-any" style="display:inline">
                au moins l’une d’elles
              </label>
            </div>
            <div>
              <input type="radio" id="etiquettes-all" name="tagsMode" value="all" checked={allMode} />{' '}
              <label for="etiquettes-all" style="display:inline">
                toutes
              </label>
            </div>
          </fieldset>
          <TextField
            name="outletContains"
            field="filter.outletContains"
            label="Le titre (média) contient"
            hint="Par exemple : Nouvelle République ; majuscules et accents ignorés"
            value={d.outletContains}
            error={errorFor(errors, 'filter.outletContains')}
          />
          <TextField
            name="language"
            field="filter.language"
            label="Langue"
            hint="Code de langue, par exemple : fr"
            value={d.language}
            error={errorFor(errors, 'filter.language')}
          />
        </fieldset>
        <div id="apercu-segment">{props.preview ? <SegmentPreview {...props.preview} /> : null}</div>
        <div class="actions">
          <button type="submit">{props.submit}</button>
        </div>
      </form>
    </>
  );
}

export function DeleteSegmentPage(props: { segment: Segment; csrfToken: string }) {
  const g = props.segment;
  return (
    <>
      <h1>Supprimer le segment « {g.name} » ?</h1>
      <p>
        Critères : {describeFilter(g.filter)}. Aucun contact n’est supprimé ; les campagnes déjà lancées avec ce segment gardent leurs
        critères.
      </p>
      <form method="post" action={`${segmentPath(g.id)}/supprimer`}>
        <CsrfField token={props.csrfToken} />
        <div class="actions">
          <button type="submit">Supprimer le segment</button>
          <a href={segmentPath(g.id)}>Annuler</a>
        </div>
      </form>
    </>
  );
}
