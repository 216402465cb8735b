import type { UnsavedPreview } from '../../../app/preview-unsaved-release';
import type { ReviewCase } from '../../../app/review-queue';
import type { Release } from '../../../domain/release';
import { FieldDiffTable } from '../components/field-diff';
import { CsrfField, ErrorSummary, errorFor, type FieldError, fieldId } from '../components/forms';
import { releaseKindLabels, releaseStatusLabels } from '../components/release-labels';
import { frenchWhen, VersionHistory } from '../components/version-history';
import { PreviewPanel } from '../releases/release-preview-view';

/** /relecture: what awaits the reviewers. */
export function ReviewQueue(props: { items: readonly Release[] }) {
  return (
    <>
      <h1>À relire</h1>
      {props.items.length === 0 ? (
        <p>Aucun communiqué n’attend de relecture.</p>
      ) : (
        <table>
          <caption>Communiqués soumis à la relecture, les plus récents en premier</caption>
          <thead>
            <tr>
              <th scope="col">Titre</th>
              <th scope="col">Genre</th>
              <th scope="col">Version</th>
              <th scope="col">Soumis</th>
            </tr>
          </thead>
          <tbody>
            {props.items.map((r) => (
              <tr>
                <td>
                  <a href={`/relecture/${encodeURIComponent(r.id)}`}>{r.content.title}</a>
                </td>
                <td>{releaseKindLabels[r.content.kind] ?? r.content.kind}</td>
                <td>{r.version}</td>
                <td>{r.review?.submittedAt ? frenchWhen(r.review.submittedAt) : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

export interface ReviewPageModel {
  readonly reviewCase: ReviewCase;
  readonly preview: UnsavedPreview;
  readonly errors?: readonly FieldError[];
  /** The comment typed, kept when the page comes back with an error. */
  readonly comment?: string;
  readonly csrfToken: string;
}

/** /relecture/:id: the rendered mail, what changed since the version of reference, approve or send back. */
export function ReviewPage(m: ReviewPageModel) {
  const { release, base, changes, history } = m.reviewCase;
  const base_ = `/relecture/${encodeURIComponent(release.id)}`;
  const author = history.find((v) => v.version === release.version)?.by?.name;
  return (
    <>
      <link rel="stylesheet" href="/communiques/editeur.css" />
      <h1>Relecture : {release.content.title}</h1>
      <p class="release-meta">
        Statut : <strong>{releaseStatusLabels[release.status]}</strong> — version {release.version}
        {author ? `, enregistrée par ${author}` : ''} {frenchWhen(release.updatedAt)}.
        {release.review?.submittedAt ? ` Soumise ${frenchWhen(release.review.submittedAt)}.` : ''}
      </p>
      <ErrorSummary errors={m.errors} />
      <section aria-labelledby="titre-changements">
        <h2 id="titre-changements">Ce qui a changé</h2>
        {base ? (
          <FieldDiffTable
            changes={changes}
            caption={`Différences, champ par champ, depuis la version ${base.version} (${base.reason === 'approved' ? 'dernière version approuvée' : 'version soumise la fois précédente'})`}
            beforeLabel={`Version ${base.version}`}
            afterLabel={`Version ${release.version} (à relire)`}
          />
        ) : (
          <p>Première relecture de ce communiqué : aucune version antérieure n’a été relue, tout le contenu est nouveau.</p>
        )}
      </section>
      {release.status === 'in_review' ? (
        <section aria-labelledby="titre-decision" class="review-decision">
          <h2 id="titre-decision">Votre décision</h2>
          <form method="post" action={`${base_}/approuver`}>
            <CsrfField token={m.csrfToken} />
            <input type="hidden" name="version" value={String(release.version)} />
            <button type="submit">Approuver la version {release.version}</button>
          </form>
          <form method="post" action={`${base_}/renvoyer`}>
            <CsrfField token={m.csrfToken} />
            <div class={errorFor(m.errors, 'comment') ? 'field field-error' : 'field'}>
              <label for={fieldId('comment')}>
                Commentaire pour l’auteur<span aria-hidden="true"> *</span>
              </label>
              <p class="hint" id={`${fieldId('comment')}-aide`}>
                Obligatoire pour renvoyer : dites ce qui doit changer.
              </p>
              {errorFor(m.errors, 'comment') ? (
                <p class="error-message" id={`${fieldId('comment')}-erreur`}>
                  <span class="visually-hidden">Erreur : </span>
                  {errorFor(m.errors, 'comment')}
                </p>
              ) : null}
              <textarea
                id={fieldId('comment')}
                name="comment"
                rows={4}
                maxlength={5000}
                aria-required="true"
                aria-invalid={errorFor(m.errors, 'comment') ? 'true' : undefined}
                aria-describedby={`${fieldId('comment')}-aide${errorFor(m.errors, 'comment') ? ` ${fieldId('comment')}-erreur` : ''}`}
              >
                {m.comment ?? ''}
              </textarea>
            </div>
            <button type="submit" class="secondary">
              Renvoyer à l’auteur
            </button>
          </form>
        </section>
      ) : (
        <p class="notice-inline">
          Ce communiqué n’est pas en relecture (statut : {releaseStatusLabels[release.status].toLowerCase()}) : il n’y a rien à décider.
        </p>
      )}
      <section aria-labelledby="titre-apercu" class="preview">
        <h2 id="titre-apercu">Le mail, tel qu’il partira</h2>
        <PreviewPanel preview={m.preview} isEvent={release.content.kind === 'event-announcement'} />
      </section>
      <VersionHistory history={history} />
    </>
  );
}
