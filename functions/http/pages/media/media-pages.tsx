import type { DirectMediaForm } from '../../../app/direct-media-upload';
import type { MediaView } from '../../../app/list-media';
import { formatBytes, MEDIA_MAX_BYTES } from '../../../domain/media';
import { CsrfField, ErrorSummary, errorFor, type FieldError, fieldId, TextField } from '../components/forms';

export const mediaPath = '/mediatheque';

const kindLabels = { image: 'Image', document: 'Document PDF' } as const;
const paris = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });

export interface MediaDraft {
  readonly alt?: string;
  readonly credit?: string;
}

/**
 * The upload form: multipart, the CSRF token as a field (htmx is not needed to send a file).
 * With `direct` (AWS) it posts straight to S3 (a presigned POST: a file above Lambda's 6 MB
 * request limit never crosses the api), carrying the policy's hidden fields, the alt text and
 * credit under the names the policy allows, no CSRF field (S3 refuses fields its policy does not
 * name; the policy is the proof) and the file last, as S3 requires.
 */
export function UploadForm(props: { csrfToken: string; draft?: MediaDraft; errors?: readonly FieldError[]; direct?: DirectMediaForm }) {
  const fileError = errorFor(props.errors, 'file');
  const id = fieldId('file');
  const fileField = (
    <div class={fileError ? 'field field-error' : 'field'}>
      <label for={id}>
        Fichier<span aria-hidden="true"> *</span>
      </label>
      <p class="hint" id={`${id}-aide`}>
        Images JPEG, PNG, WebP ou GIF, documents PDF ; {formatBytes(MEDIA_MAX_BYTES)} au plus. Le type est lu dans le contenu du fichier.
      </p>
      {fileError ? (
        <p class="error-message" id={`${id}-erreur`}>
          <span class="visually-hidden">Erreur : </span>
          {fileError}
        </p>
      ) : null}
      <input
        id={id}
        name="file"
        type="file"
        required
        accept="image/jpeg,image/png,image/webp,image/gif,application/pdf"
        aria-describedby={[`${id}-aide`, fileError ? `${id}-erreur` : ''].filter(Boolean).join(' ')}
        aria-invalid={fileError ? 'true' : undefined}
      />
    </div>
  );
  const texts = (
    <>
      <TextField
        name={props.direct?.altField ?? 'alt'}
        field="alt"
        label="Texte alternatif (obligatoire pour une image)"
        hint="Ce que l’image montre, pour qui ne peut pas la voir : « La présidente remet le prix aux lauréates »."
        value={props.draft?.alt}
        maxlength={300}
        error={errorFor(props.errors, 'alt')}
      />
      <TextField
        name={props.direct?.creditField ?? 'credit'}
        field="credit"
        label="Crédit (facultatif)"
        hint="Affiché sous l’image : « © Département / J. Martin »."
        value={props.draft?.credit}
        maxlength={200}
        error={errorFor(props.errors, 'credit')}
      />
    </>
  );
  const submit = (
    <p>
      <button type="submit">Ajouter à la médiathèque</button>
    </p>
  );
  if (props.direct)
    return (
      <form method="post" action={props.direct.url} enctype="multipart/form-data" accept-charset="utf-8" class="stack">
        {Object.entries(props.direct.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        {texts}
        {fileField}
        {submit}
      </form>
    );
  return (
    <form method="post" action={mediaPath} enctype="multipart/form-data" class="stack">
      <CsrfField token={props.csrfToken} />
      {fileField}
      {texts}
      {submit}
    </form>
  );
}

export function MediaLibraryPage(props: {
  items: readonly MediaView[];
  cursor?: string;
  canUpload: boolean;
  csrfToken: string;
  draft?: MediaDraft;
  errors?: readonly FieldError[];
  direct?: DirectMediaForm;
}) {
  return (
    <>
      <h1>Médiathèque</h1>
      <p>Les images et documents des communiqués. Leur adresse est celle qu’utilisent les courriels et la salle de presse.</p>
      {props.canUpload ? (
        <section aria-labelledby="titre-ajout">
          <h2 id="titre-ajout">Ajouter un fichier</h2>
          <ErrorSummary errors={props.errors} />
          <UploadForm csrfToken={props.csrfToken} draft={props.draft} errors={props.errors} direct={props.direct} />
        </section>
      ) : null}
      <section aria-labelledby="titre-fichiers">
        <h2 id="titre-fichiers">Fichiers</h2>
        {props.items.length === 0 ? (
          <p>La médiathèque est vide pour le moment.</p>
        ) : (
          <table>
            <caption>Fichiers de la médiathèque, du plus récent au plus ancien</caption>
            <thead>
              <tr>
                <th scope="col">Aperçu</th>
                <th scope="col">Fichier</th>
                <th scope="col">Texte alternatif et crédit</th>
                <th scope="col">Ajouté</th>
                <th scope="col">Adresse à utiliser</th>
              </tr>
            </thead>
            <tbody>
              {props.items.map((m) => (
                <tr>
                  <td>{m.kind === 'image' ? <img src={m.url} alt={m.alt ?? ''} width={96} loading="lazy" /> : 'PDF'}</td>
                  <td>
                    <a href={m.url}>{m.filename}</a>
                    <br />
                    <small>
                      {kindLabels[m.kind]}, {formatBytes(m.size)}
                    </small>
                  </td>
                  <td>
                    {m.alt ?? '—'}
                    {m.credit ? (
                      <>
                        <br />
                        <small>Crédit : {m.credit}</small>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {paris.format(new Date(m.uploadedAt))} par {m.uploadedBy.name}
                  </td>
                  <td>
                    <code>{m.url}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {props.cursor ? (
          <nav class="pagination" aria-label="Pages de la médiathèque">
            <a href={`${mediaPath}?curseur=${encodeURIComponent(props.cursor)}`}>Fichiers plus anciens</a>
          </nav>
        ) : null}
      </section>
    </>
  );
}
