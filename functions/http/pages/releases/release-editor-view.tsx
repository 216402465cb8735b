import type { UnsavedPreview } from '../../../app/preview-unsaved-release';
import type { ReleaseStatus } from '../../../domain/release';
import { announcementTypes } from '../../../domain/release';
import type { FieldChange } from '../../../domain/release-diff';
import type { ReleaseVersionInfo } from '../../../ports';
import { FieldDiffTable } from '../components/field-diff';
import { CsrfField, ErrorSummary, type FieldError } from '../components/forms';
import { announcementTypeLabels, fieldLabel, releaseKindLabels, releaseStatusLabels } from '../components/release-labels';
import { frenchWhen, VersionHistory } from '../components/version-history';
import { Area, Input, Select } from './editor-fields';
import { type BlockName, blockNames, type ReleaseFormState, repeatedBlocks } from './release-form';
import { PreviewPanel } from './release-preview-view';
import { BlockFieldset, mediaFilesList, mediaImagesList } from './repeated-blocks-view';

export interface EditorModel {
  /** Absent for a release not yet created. */
  readonly releaseId?: string;
  /** Where the form posts. */
  readonly action: string;
  readonly version?: number;
  readonly status?: ReleaseStatus;
  readonly savedAt?: string;
  readonly savedBy?: string;
  readonly form: ReleaseFormState;
  readonly brands: readonly { id: string; name: string }[];
  readonly errors?: readonly FieldError[];
  /** The embargo hour exists twice: ask which one. */
  readonly embargoAmbiguous?: boolean;
  /** Someone saved in the meantime: who, when, and what differs (theirs → yours). */
  readonly conflict?: { readonly by?: string; readonly at: string; readonly version: number; readonly changes: readonly FieldChange[] };
  /** The release was deleted while being edited. */
  readonly gone?: boolean;
  /** Re-rendered after an add/remove/move: nothing saved yet. */
  readonly unsaved?: boolean;
  /** The reviewer sent it back with this comment. */
  readonly reviewComment?: { readonly comment: string; readonly at?: string };
  readonly history?: readonly ReleaseVersionInfo[];
  /** null: nothing to preview yet (a blank new release). */
  readonly preview?: UnsavedPreview | null;
  /** The row to focus after an add/remove/move (-1: the block's add button, its last row gone). */
  readonly focus?: { readonly block: BlockName; readonly index: number };
  readonly canWrite: boolean;
  /** The media library's files, suggested in the image and attachment address fields. */
  readonly media?: readonly { readonly url: string; readonly label: string; readonly kind: 'image' | 'document' }[];
  /** Reviewers get a way to the review page of a release in review. */
  readonly canReview?: boolean;
  /** The person may send campaigns (`campaign:send`). */
  readonly canSend?: boolean;
  /** The stored release passes the review gate (approved, or its brand has no review): it may be sent. */
  readonly sendable?: boolean;
  readonly userEmail: string;
  readonly csrfToken: string;
  /** The editor's script (toolbar, focus after a swap), with this response's nonce. */
  readonly nonce: string;
}

function MarkdownCheatSheet() {
  return (
    <details class="cheat-sheet">
      <summary>Aide-mémoire Markdown</summary>
      <table>
        <caption>Mise en forme du texte</caption>
        <thead>
          <tr>
            <th scope="col">Vous tapez</th>
            <th scope="col">Le mail montre</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>
              <code>*italique*</code>
            </td>
            <td>
              <em>italique</em>
            </td>
          </tr>
          <tr>
            <td>
              <code>**gras**</code>
            </td>
            <td>
              <strong>gras</strong>
            </td>
          </tr>
          <tr>
            <td>
              <code>[libellé](https://exemple.fr)</code>
            </td>
            <td>un lien « libellé »</td>
          </tr>
          <tr>
            <td>
              <code>- élément</code> (une ligne par élément)
            </td>
            <td>une liste à puces</td>
          </tr>
          <tr>
            <td>une ligne vide</td>
            <td>un nouveau paragraphe</td>
          </tr>
        </tbody>
      </table>
    </details>
  );
}

function ConflictPanel(props: { conflict: NonNullable<EditorModel['conflict']>; releaseId: string }) {
  const c = props.conflict;
  return (
    <div class="conflict-panel" role="alert">
      <h2>Quelqu’un a enregistré ce communiqué pendant que vous l’éditiez</h2>
      <p>
        {c.by ?? 'Une autre personne'} a enregistré la version {c.version} {frenchWhen(c.at)}. Vos modifications ne sont{' '}
        <strong>pas</strong> enregistrées : elles sont conservées dans le formulaire ci-dessous.
      </p>
      <FieldDiffTable
        changes={c.changes}
        caption="Différences entre sa version et la vôtre, champ par champ"
        beforeLabel={`Sa version (${c.version})`}
        afterLabel="Votre version (non enregistrée)"
      />
      <p>
        <button type="submit" name="_action" value={`overwrite:${c.version}`}>
          Enregistrer ma version à la place de la sienne
        </button>{' '}
        <a href={`/communiques/${encodeURIComponent(props.releaseId)}`}>Abandonner mes modifications et ouvrir sa version</a>
      </p>
    </div>
  );
}

/**
 * The summary above the form names the field of each message (a form this long needs it: "Citation
 * 2, auteur : …"); the message itself is the schema's, unchanged, and shows alone beside its field.
 */
const namedErrors = (errors: readonly FieldError[] | undefined) =>
  errors?.map((e) => (e.field && e.field !== '(corps)' ? { field: e.field, message: `${fieldLabel(e.field)} : ${e.message}` } : e));

/**
 * The library's files as suggestions for the address fields (a datalist: no script needed), and
 * the way to the library to add one. Outside the blocks, so htmx swaps of a block keep them.
 */
function MediaChoices(props: { media: NonNullable<EditorModel['media']> }) {
  return (
    <>
      <p class="hint">
        Images et pièces jointes : choisissez-les dans la <a href="/mediatheque">médiathèque</a> (les adresses sont proposées dans les
        champs) ; ajoutez-y d’abord un nouveau fichier.
      </p>
      <datalist id={mediaImagesList}>
        {props.media
          .filter((m) => m.kind === 'image')
          .map((m) => (
            <option value={m.url}>{m.label}</option>
          ))}
      </datalist>
      <datalist id={mediaFilesList}>
        {props.media.map((m) => (
          <option value={m.url}>{m.label}</option>
        ))}
      </datalist>
    </>
  );
}

/** The editor: the whole content model as a form, the live preview beside it, and the release's actions. */
export function ReleaseEditor(m: EditorModel) {
  const f = m.form.fields;
  const isEvent = f.kind === 'event-announcement';
  const title = m.releaseId ? f.title.trim() || 'Communiqué sans titre' : isEvent ? 'Nouvelle annonce d’événement' : 'Nouveau communiqué';
  const enabled = m.canWrite && m.status !== 'sent';
  const autosave = enabled && m.releaseId !== undefined && m.status === 'draft' && !m.gone && !m.conflict;
  const previewUrl = `/communiques/${encodeURIComponent(m.releaseId ?? 'nouveau')}/apercu`;
  const brandOptions = m.brands.map((b) => ({ value: b.id, label: b.name }));
  const focusOf = (block: BlockName) => (m.focus?.block === block ? m.focus.index : undefined);
  const block = (b: BlockName) => (
    <BlockFieldset block={b} rows={m.form.blocks[b]} errors={m.errors} action={m.action} focus={focusOf(b)} enabled={enabled} />
  );
  return (
    <>
      <h1>{title}</h1>
      {m.releaseId ? (
        <p class="release-meta">
          Statut : <strong>{m.status ? releaseStatusLabels[m.status] : ''}</strong>
          {m.version !== undefined ? ` — version ${m.version}` : ''}
          {m.savedAt ? `, enregistrée ${frenchWhen(m.savedAt)}` : ''}
          {m.savedBy ? ` par ${m.savedBy}` : ''}.
        </p>
      ) : null}
      {m.status === 'sent' ? (
        <p class="notice-inline">Ce communiqué a été envoyé : il ne se modifie plus. Dupliquez-le pour en faire une nouvelle version.</p>
      ) : null}
      {m.status === 'in_review' ? (
        <p class="notice-inline">
          Ce communiqué est en relecture. Le modifier le renvoie en brouillon : il faudra le soumettre de nouveau.
        </p>
      ) : null}
      {m.reviewComment ? (
        <div class="review-comment">
          <h2>Renvoyé par la relecture{m.reviewComment.at ? ` ${frenchWhen(m.reviewComment.at)}` : ''}</h2>
          <blockquote>
            <p class="diff-text">{m.reviewComment.comment}</p>
          </blockquote>
        </div>
      ) : null}
      <ErrorSummary errors={namedErrors(m.errors)} />
      <div class="editor-layout">
        <form method="post" action={m.action} id="editeur" class="editor-form" novalidate>
          <CsrfField token={m.csrfToken} />
          <input type="hidden" id="version-enregistree" name="version" value={m.version === undefined ? '' : String(m.version)} />
          <input type="hidden" id="erreurs-apercu" name="_liveErrors" value="" />
          {m.gone ? (
            <div class="conflict-panel" role="alert">
              <h2>Ce communiqué n’existe plus</h2>
              <p>
                Il a été supprimé pendant que vous l’éditiez. Votre texte n’est pas perdu : il est conservé dans le formulaire ci-dessous.
                Vous pouvez l’enregistrer comme un nouveau communiqué.
              </p>
              <button type="submit" name="_action" value="save" formaction="/communiques/nouveau">
                Enregistrer comme nouveau communiqué
              </button>
            </div>
          ) : null}
          {m.conflict && m.releaseId ? <ConflictPanel conflict={m.conflict} releaseId={m.releaseId} /> : null}
          {m.unsaved ? <p class="notice-inline">Formulaire modifié, pas encore enregistré : pensez à enregistrer.</p> : null}
          {!m.canWrite ? <p class="notice-inline">Lecture seule : votre rôle ne permet pas de modifier les communiqués.</p> : null}
          {enabled && !m.gone ? (
            <div class="form-actions">
              <button type="submit" name="_action" value="save">
                Enregistrer
              </button>{' '}
              <span id="etat-enregistrement" class="save-state"></span>
            </div>
          ) : null}

          <fieldset disabled={!enabled}>
            <legend>Genre et marques</legend>
            <Select
              name="kind"
              label="Genre"
              value={f.kind}
              errors={m.errors}
              options={Object.entries(releaseKindLabels).map(([value, label]) => ({ value, label }))}
            />
            {enabled ? (
              <p>
                <button type="submit" class="secondary" name="_action" value="refresh" formnovalidate>
                  Mettre à jour le formulaire selon le genre
                </button>
              </p>
            ) : null}
            {isEvent ? (
              <Select
                name="announcementType"
                label="Type d’annonce"
                value={f.announcementType}
                errors={m.errors}
                options={[
                  { value: '', label: '(aucun)' },
                  ...announcementTypes.map((t) => ({ value: t, label: announcementTypeLabels[t] ?? t })),
                ]}
              />
            ) : null}
            <Select name="brandId" label="Marque" value={f.brandId} errors={m.errors} required options={brandOptions} />
            {m.brands.length > 1 ? (
              <fieldset class="checkboxes">
                <legend>Co-marques (communiqué commun)</legend>
                {m.brands.map((b) => (
                  <div class="checkbox">
                    <input
                      type="checkbox"
                      id={`co-marque-${b.id}`}
                      name="coBrandIds"
                      value={b.id}
                      checked={m.form.coBrandIds.includes(b.id)}
                    />
                    <label for={`co-marque-${b.id}`}>{b.name}</label>
                  </div>
                ))}
              </fieldset>
            ) : null}
          </fieldset>

          <fieldset disabled={!enabled}>
            <legend>En-tête</legend>
            <Input name="dateline.city" label="Lieu (chapeau de date)" value={f['dateline.city']} errors={m.errors} maxlength={80} />
            <Input name="dateline.date" label="Date (chapeau de date)" type="date" value={f['dateline.date']} errors={m.errors} />
            <Input name="title" label="Titre" value={f.title} errors={m.errors} required maxlength={300} />
            <Area name="subtitle" label="Sous-titre" value={f.subtitle} errors={m.errors} rows={2} maxlength={500} />
            <Area name="lead" label="Chapô" value={f.lead} errors={m.errors} rows={3} maxlength={3000} />
          </fieldset>

          <fieldset disabled={!enabled}>
            <legend>Texte</legend>
            <MarkdownCheatSheet />
            <Area
              name="body"
              label="Texte du communiqué (Markdown)"
              value={f.body}
              errors={m.errors}
              rows={16}
              toolbar
              hint="Paragraphes séparés par une ligne vide ; voir l’aide-mémoire pour les liens, listes et mises en valeur."
            />
          </fieldset>

          {block('quotes')}
          {block('about')}
          {block('pressContacts')}
          {block('socialLinks')}
          {block('links')}
          <MediaChoices media={m.media ?? []} />
          {block('images')}
          {block('attachments')}

          <fieldset disabled={!enabled}>
            <legend>Embargo</legend>
            <Input
              name="embargoLocal"
              field="embargoUntil"
              label="Sous embargo jusqu’au (heure de Paris)"
              type="datetime-local"
              value={f.embargoLocal}
              errors={m.errors}
              hint="Vide : pas d’embargo. Avant cette date, seules les listes presse reçoivent le communiqué, marqué « sous embargo »."
            />
            {m.embargoAmbiguous || f.embargoAmbiguity ? (
              <fieldset class="radios">
                <legend>Cette heure existe deux fois (changement d’heure) : laquelle ?</legend>
                <div class="radio">
                  <input
                    type="radio"
                    id="embargo-premiere"
                    name="embargoAmbiguity"
                    value="earlier"
                    checked={f.embargoAmbiguity === 'earlier'}
                  />
                  <label for="embargo-premiere">La première, encore à l’heure d’été</label>
                </div>
                <div class="radio">
                  <input type="radio" id="embargo-seconde" name="embargoAmbiguity" value="later" checked={f.embargoAmbiguity === 'later'} />
                  <label for="embargo-seconde">La seconde, déjà à l’heure d’hiver</label>
                </div>
              </fieldset>
            ) : null}
          </fieldset>

          {isEvent ? (
            <fieldset class="event" disabled={!enabled}>
              <legend>Événement</legend>
              <Input name="event.name" label="Nom de l’événement" value={f['event.name']} errors={m.errors} required maxlength={200} />
              <Input name="event.edition" label="Édition" value={f['event.edition']} errors={m.errors} maxlength={60} />
              <Input name="event.theme" label="Thème" value={f['event.theme']} errors={m.errors} maxlength={300} />
              <Input
                name="event.start"
                label="Début (heure de Paris)"
                type="datetime-local"
                value={f['event.start']}
                errors={m.errors}
                required
              />
              <Input name="event.end" label="Fin (heure de Paris)" type="datetime-local" value={f['event.end']} errors={m.errors} />
              <Input name="event.venue.name" label="Lieu" value={f['event.venue.name']} errors={m.errors} required maxlength={200} />
              <Area name="event.venue.address" label="Adresse du lieu" value={f['event.venue.address']} errors={m.errors} rows={2} />
              <Input
                name="event.venue.mapUrl"
                label="Plan d’accès (adresse web)"
                type="url"
                value={f['event.venue.mapUrl']}
                errors={m.errors}
              />
              <Input
                name="event.registrationUrl"
                label="Lien d’inscription"
                type="url"
                value={f['event.registrationUrl']}
                errors={m.errors}
              />
              {block('event.programme')}
              {block('event.speakers')}
              {block('event.organiserContacts')}
            </fieldset>
          ) : null}

          {enabled && !m.gone ? (
            <div class="form-actions">
              <button type="submit" name="_action" value="save">
                Enregistrer
              </button>
            </div>
          ) : null}
          {/* htmx only: the preview follows the typing; a draft saves itself after a pause. */}
          <div
            hidden
            hx-post={previewUrl}
            hx-trigger="input changed delay:500ms from:closest form, change from:closest form"
            hx-include="closest form"
            hx-target="#apercu-contenu"
            hx-swap="innerHTML"
            hx-sync="this:replace"
          ></div>
          {autosave && m.releaseId ? (
            <div
              hidden
              hx-post={`/communiques/${encodeURIComponent(m.releaseId)}/enregistrement-auto`}
              hx-trigger="input delay:2s from:closest form, change delay:2s from:closest form"
              hx-include="closest form"
              hx-target="#etat-enregistrement"
              hx-swap="innerHTML"
              hx-sync="this:queue last"
            ></div>
          ) : null}
        </form>
        <aside id="apercu" class="preview" aria-labelledby="titre-apercu">
          <h2 id="titre-apercu">Aperçu</h2>
          <div id="apercu-contenu">
            <PreviewPanel preview={m.preview} isEvent={isEvent} />
          </div>
        </aside>
      </div>
      {m.releaseId && !m.gone ? <ReleaseActions {...m} releaseId={m.releaseId} /> : null}
      {m.history && m.history.length > 0 ? <VersionHistory history={m.history} /> : null}
      <link rel="stylesheet" href="/communiques/editeur.css" />
      <script src="/communiques/editeur.js" nonce={m.nonce} defer></script>
    </>
  );
}

function ReleaseActions(m: EditorModel & { releaseId: string }) {
  const base = `/communiques/${encodeURIComponent(m.releaseId)}`;
  return (
    <section class="release-actions" aria-labelledby="titre-actions">
      <h2 id="titre-actions">Actions</h2>
      <p class="hint">Ces actions portent sur la dernière version enregistrée.</p>
      {m.status !== 'sent' ? (
        <form method="post" action={`${base}/envoi-test`} class="inline">
          <CsrfField token={m.csrfToken} />
          <button type="submit" class="secondary">
            M’envoyer un test ({m.userEmail})
          </button>
        </form>
      ) : null}{' '}
      {m.canWrite && m.status === 'draft' ? (
        <form method="post" action={`${base}/soumettre`} class="inline">
          <CsrfField token={m.csrfToken} />
          <button type="submit">Soumettre à la relecture</button>
        </form>
      ) : null}{' '}
      {m.canSend && m.sendable && !m.gone ? (
        <a class="button" href={`${base}/envoi`}>
          Envoyer ou programmer…
        </a>
      ) : null}{' '}
      {m.canReview && m.status === 'in_review' ? (
        <a class="button" href={`/relecture/${encodeURIComponent(m.releaseId)}`}>
          Relire et décider
        </a>
      ) : null}{' '}
      {m.canWrite ? (
        <form method="post" action={`${base}/dupliquer`} class="inline">
          <CsrfField token={m.csrfToken} />
          <button type="submit" class="secondary">
            Dupliquer
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** Every input the editor shows for this form, by content path: where the live preview may put an error. */
export function editorFieldPaths(form: ReleaseFormState): Set<string> {
  const paths = new Set<string>(['kind', 'brandId', 'dateline.city', 'dateline.date', 'title', 'subtitle', 'lead', 'body', 'embargoUntil']);
  const isEvent = form.fields.kind === 'event-announcement';
  if (isEvent) {
    for (const p of ['announcementType', 'event.name', 'event.edition', 'event.theme', 'event.start', 'event.end', 'event.venue.name'])
      paths.add(p);
    for (const p of ['event.venue.address', 'event.venue.mapUrl', 'event.registrationUrl']) paths.add(p);
  }
  for (const b of blockNames) {
    if (b.startsWith('event.') && !isEvent) continue;
    form.blocks[b].forEach((_, i) => {
      for (const name of repeatedBlocks[b]) paths.add(`${b}.${i}.${name}`);
    });
  }
  return paths;
}
