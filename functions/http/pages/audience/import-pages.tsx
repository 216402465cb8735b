import type { RejectedRow } from '../../../app/import-contacts';
import type { DirectUpload, SettledRow } from '../../../app/import-files';
import { type ColumnTarget, columnTargetLabel, columnTargets, type ImportJob } from '../../../app/import-jobs';
import { settledOutcomeLabels } from '../../../app/import-report-csv';
import type { MailingList } from '../../../domain/audience';
import { CsrfField, ErrorSummary, errorFor, type FieldError, fieldId, SelectField } from '../components/forms';
import { listKindLabels, listPath, optInLabels } from './audience-labels';

/** The wizard's pages (views only: each takes what its route read). */

export const importPath = (id: string, step = '') => `/audience/import/${encodeURIComponent(id)}${step ? `/${step}` : ''}`;

const encodingLabels: Record<string, string> = {
  'utf-8': 'UTF-8',
  'windows-1252': 'Windows-1252 (Excel français)',
  'utf-16le': 'UTF-16 (« texte Unicode » d’Excel)',
  'utf-16be': 'UTF-16 (gros-boutiste)',
  mixed: 'UTF-8 puis Windows-1252 (fichier mélangé : vérifiez les accents)',
};
const separatorLabels: Record<string, string> = { ';': 'point-virgule (;)', ',': 'virgule (,)', '\t': 'tabulation' };
export const encodingLabel = (e: string) => encodingLabels[e] ?? e;
export const separatorLabel = (s: string) => separatorLabels[s] ?? `« ${s} »`;

const stepNames = ['Fichier', 'Colonnes', 'Base légale', 'Import', 'Compte rendu'] as const;

/** Where the person is in the five steps (aria-current names the current one). */
function Steps(props: { current: number }) {
  return (
    <nav aria-label="Étapes de l’import">
      <ol class="steps">
        {stepNames.map((name, i) => (
          <li aria-current={i + 1 === props.current ? 'step' : undefined}>
            {i + 1 === props.current ? <strong>{`${i + 1}. ${name}`}</strong> : `${i + 1}. ${name}`}
          </li>
        ))}
      </ol>
    </nav>
  );
}

/**
 * Step 1's form. With `direct` (AWS) it posts straight to S3 (a presigned POST: the file never
 * crosses API Gateway), carrying the policy's hidden fields, the list under the name the policy
 * allows, no CSRF field (S3 refuses fields its policy does not name; the policy is the proof) and
 * the file last, as S3 requires; S3 then sends the browser back to the wizard.
 */
export function UploadPage(props: {
  lists: readonly MailingList[];
  listId?: string;
  csrfToken: string;
  errors?: readonly FieldError[];
  direct?: DirectUpload;
}) {
  const fileError = errorFor(props.errors, 'file');
  const id = fieldId('file');
  return (
    <>
      <p>
        <a href={props.listId ? listPath(props.listId) : '/audience'}>Retour</a>
      </p>
      <h1>Importer des contacts</h1>
      <Steps current={1} />
      <ErrorSummary errors={props.errors} />
      {props.lists.length === 0 ? (
        <p>
          Aucune liste pour l’instant : <a href="/audience/listes/nouvelle">créez d’abord une liste</a>.
        </p>
      ) : (
        <form method="post" action={props.direct?.url ?? '/audience/import'} enctype="multipart/form-data">
          {props.direct ? (
            Object.entries(props.direct.fields).map(([name, value]) => <input type="hidden" name={name} value={value} />)
          ) : (
            <CsrfField token={props.csrfToken} />
          )}
          <SelectField
            name={props.direct?.listField ?? 'listId'}
            label="Liste où importer les contacts"
            required
            value={props.listId ?? ''}
            error={errorFor(props.errors, 'listId')}
            options={[
              { value: '', label: 'Choisissez une liste' },
              ...props.lists.map((l) => ({ value: l.id, label: `${l.name} (${listKindLabels[l.kind] ?? l.kind})` })),
            ]}
          />
          <div class={fileError ? 'field field-error' : 'field'}>
            <label for={id}>
              Fichier CSV<span aria-hidden="true"> *</span>
            </label>
            <p class="hint" id={`${id}-aide`}>
              Un export d’Excel « CSV (séparateur : point-virgule) » convient tel quel, en Windows-1252 ou en UTF-8. La première ligne doit
              nommer les colonnes.
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
              accept=".csv,.txt,text/csv"
              required
              aria-invalid={fileError ? 'true' : undefined}
              aria-describedby={fileError ? `${id}-aide ${id}-erreur` : `${id}-aide`}
            />
          </div>
          <button type="submit">Lire le fichier</button>
        </form>
      )}
    </>
  );
}

/** Cells as read; a line break inside a cell is shown as « ↵ » so the person sees it was one cell. */
const shown = (cell: string) => cell.replace(/\r\n|\r|\n/g, ' ↵ ');

export function PreviewPage(props: { job: ImportJob }) {
  const { job } = props;
  return (
    <>
      <h1>Importer des contacts : aperçu du fichier</h1>
      <Steps current={1} />
      <dl>
        <dt>Fichier</dt>
        <dd>{job.filename}</dd>
        <dt>Liste</dt>
        <dd>{job.listName}</dd>
        <dt>Encodage détecté</dt>
        <dd>{encodingLabel(job.encoding)}</dd>
        <dt>Séparateur détecté</dt>
        <dd>{separatorLabel(job.separator)}</dd>
        <dt>Lignes de contacts</dt>
        <dd>{job.totalRows}</dd>
      </dl>
      <table>
        <caption>{`Les ${job.previewRows.length} premières lignes, telles qu’elles ont été lues`}</caption>
        <thead>
          <tr>
            {job.headers.map((h) => (
              <th scope="col">{h || '(sans titre)'}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {job.previewRows.map((row) => (
            <tr>
              {job.headers.map((_, i) => (
                <td>{shown(row[i] ?? '')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p class="hint">« ↵ » marque un retour à la ligne dans une cellule : il deviendra une espace à l’import.</p>
      <p>
        <a class="button" href={importPath(job.id, 'colonnes')}>
          Associer les colonnes
        </a>{' '}
        <a href={`/audience/import?liste=${encodeURIComponent(job.listId)}`}>Choisir un autre fichier</a>
      </p>
    </>
  );
}

export function MappingPage(props: {
  job: ImportJob;
  mapping: Record<string, ColumnTarget | string>;
  csrfToken: string;
  errors?: readonly FieldError[];
}) {
  const { job } = props;
  return (
    <>
      <p>
        <a href={importPath(job.id)}>Retour à l’aperçu</a>
      </p>
      <h1>Importer des contacts : les colonnes</h1>
      <Steps current={2} />
      <ErrorSummary errors={props.errors} />
      <p>
        Pour chaque colonne du fichier, choisissez le champ du contact qu’elle remplit. Ce choix est retenu pour les prochains imports dans
        la liste « {job.listName} ».
      </p>
      <form method="post" action={importPath(job.id, 'colonnes')}>
        <CsrfField token={props.csrfToken} />
        {job.headers.map((header, i) =>
          header ? (
            <SelectField
              name={`colonne-${i}`}
              label={`Colonne « ${header} »${job.previewRows[0]?.[i] ? ` (par exemple : ${shown(job.previewRows[0][i] ?? '').slice(0, 60)})` : ''}`}
              value={props.mapping[header] ?? 'ignore'}
              error={errorFor(props.errors, `colonne-${i}`)}
              options={columnTargets.map((t) => ({ value: t, label: columnTargetLabel(t) }))}
            />
          ) : null,
        )}
        <button type="submit">Continuer</button>
      </form>
    </>
  );
}

export function BasisPage(props: { job: ImportJob; list: MailingList; csrfToken: string; errors?: readonly FieldError[] }) {
  const { job, list } = props;
  const error = errorFor(props.errors, 'basis');
  const press = list.kind === 'press';
  return (
    <>
      <p>
        <a href={importPath(job.id, 'colonnes')}>Retour aux colonnes</a>
      </p>
      <h1>Importer des contacts : la base légale</h1>
      <Steps current={3} />
      <ErrorSummary errors={props.errors} />
      <p>
        Liste « {list.name} » : {listKindLabels[list.kind] ?? list.kind}, {optInLabels[list.optIn] ?? list.optIn}.
      </p>
      <form method="post" action={importPath(job.id, 'base-legale')}>
        <CsrfField token={props.csrfToken} />
        <fieldset id={fieldId('basis')} class={error ? 'field field-error' : 'field'}>
          <legend>Sur quelle base légale ces personnes recevront-elles vos envois ?</legend>
          {error ? (
            <p class="error-message">
              <span class="visually-hidden">Erreur : </span>
              {error}
            </p>
          ) : null}
          <div>
            <input type="radio" id="base-consentement" name="basis" value="consent" checked={job.basis === 'consent'} />
            <label for="base-consentement">Consentement</label>
            <p class="hint">
              Ces personnes ont accepté de recevoir vos communiqués.{' '}
              {list.optIn === 'double'
                ? 'Cette liste demande une double confirmation : chaque nouveau contact reçoit un e-mail avec un lien à cliquer, et ne reçoit rien d’autre tant qu’il n’a pas confirmé.'
                : 'Gardez la preuve de ce consentement (formulaire, date) : elle peut vous être demandée.'}
            </p>
          </div>
          {press ? (
            <div>
              <input
                type="radio"
                id="base-interet-legitime"
                name="basis"
                value="legitimate-interest"
                checked={job.basis === 'legitimate-interest'}
              />
              <label for="base-interet-legitime">Intérêt légitime (contacts presse professionnels)</label>
              <p class="hint">
                Journalistes et rédactions joints à leur adresse professionnelle pour leur métier. Chaque envoi leur permet de se
                désinscrire en un clic.
                {list.optIn === 'double' ? ' Cette liste demande une double confirmation : un lien leur est envoyé.' : ''}
              </p>
            </div>
          ) : (
            <p class="hint">
              L’intérêt légitime n’est proposé que pour les listes presse : il ne vaut que pour des contacts professionnels.
            </p>
          )}
        </fieldset>
        <button type="submit">Continuer</button>
      </form>
    </>
  );
}

export function LaunchPage(props: { job: ImportJob; csrfToken: string }) {
  const { job } = props;
  const mapped = Object.entries(job.mapping ?? {}).filter(([, t]) => t !== 'ignore');
  return (
    <>
      <p>
        <a href={importPath(job.id, 'base-legale')}>Retour à la base légale</a>
      </p>
      <h1>Importer des contacts : lancer l’import</h1>
      <Steps current={4} />
      <dl>
        <dt>Fichier</dt>
        <dd>{`${job.filename} (${job.totalRows} lignes de contacts)`}</dd>
        <dt>Liste</dt>
        <dd>{job.listName}</dd>
        <dt>Colonnes importées</dt>
        <dd>{mapped.map(([h, t]) => `« ${h} » → ${columnTargetLabel(t as ColumnTarget)}`).join(', ')}</dd>
        <dt>Base légale</dt>
        <dd>{job.basis === 'legitimate-interest' ? 'intérêt légitime (contacts presse professionnels)' : 'consentement'}</dd>
      </dl>
      <p>Une adresse désinscrite ou bloquée n’est jamais réinscrite par un import. L’import continue si vous quittez cette page.</p>
      <form method="post" action={importPath(job.id, 'lancement')}>
        <CsrfField token={props.csrfToken} />
        <button type="submit">Lancer l’import</button>
      </form>
    </>
  );
}

/** The polled fragment: polling stops (no hx-trigger) once the job is over. */
export function ProgressFragment(props: { job: ImportJob }) {
  const { job } = props;
  const done = job.progress?.rows ?? 0;
  const total = Math.max(job.totalRows, done);
  const over = job.status === 'done' || job.status === 'failed';
  const attrs = over ? {} : { 'hx-get': importPath(job.id, 'progression/etat'), 'hx-trigger': 'every 1s', 'hx-swap': 'outerHTML' };
  return (
    <div id="progression-import" {...attrs}>
      <label for="barre-import">Lignes traitées</label>
      <progress id="barre-import" max={total} value={job.status === 'done' ? total : done}>
        {`${done} sur ${total}`}
      </progress>
      <p>
        {job.status === 'done'
          ? `Import terminé : ${job.result?.rows ?? done} lignes traitées sur ${total}.`
          : job.status === 'failed'
            ? `Import arrêté : ${job.error ?? 'erreur inconnue'}`
            : `${done} lignes traitées sur ${total}…`}
      </p>
      {over ? (
        <p>
          <a class="button" href={importPath(job.id, 'compte-rendu')}>
            Lire le compte rendu
          </a>
        </p>
      ) : (
        <p>
          <a href={importPath(job.id, 'progression')}>Actualiser</a>
        </p>
      )}
    </div>
  );
}

export function ProgressPage(props: { job: ImportJob }) {
  return (
    <>
      <h1>Importer des contacts : import en cours</h1>
      <Steps current={4} />
      <p>{`Fichier ${props.job.filename} vers la liste « ${props.job.listName} ».`}</p>
      <ProgressFragment job={props.job} />
    </>
  );
}

/** Beyond this many, the rejected lines are in the CSV only (a page of 50,000 rows helps nobody). */
const shownRejected = 500;

export function ReportPage(props: { job: ImportJob; rejected: readonly RejectedRow[]; settled?: readonly SettledRow[] }) {
  const { job, rejected } = props;
  const settled = props.settled ?? [];
  const r = job.result;
  return (
    <>
      <p>
        <a href={listPath(job.listId)}>Voir la liste « {job.listName} »</a>
      </p>
      <h1>Importer des contacts : compte rendu</h1>
      <Steps current={5} />
      {job.status === 'failed' ? <p role="alert">{`L’import s’est arrêté : ${job.error ?? ''}`}</p> : null}
      {r ? (
        <table>
          <caption>{`${r.rows} lignes de contacts lues dans ${job.filename}`}</caption>
          <thead>
            <tr>
              <th scope="col">Résultat</th>
              <th scope="col">Lignes</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">Créés</th>
              <td>{r.created}</td>
            </tr>
            <tr>
              <th scope="row">Mis à jour</th>
              <td>{r.updated}</td>
            </tr>
            <tr>
              <th scope="row">Inchangés</th>
              <td>{r.unchanged}</td>
            </tr>
            <tr>
              <th scope="row">Ignorés (désinscrits ou bloqués, jamais réinscrits)</th>
              <td>{r.skippedSuppressed}</td>
            </tr>
            <tr>
              <th scope="row">Rejetés</th>
              <td>{r.rejected}</td>
            </tr>
          </tbody>
        </table>
      ) : null}
      {job.confirmationsSent ? <p>{`${job.confirmationsSent} e-mails de confirmation envoyés.`}</p> : null}
      <p>
        <a href={importPath(job.id, 'compte-rendu.csv')} download>
          Télécharger le compte rendu (CSV)
        </a>
      </p>
      {rejected.length > 0 ? (
        <table>
          <caption>Lignes rejetées</caption>
          <thead>
            <tr>
              <th scope="col">Ligne</th>
              <th scope="col">Adresse e-mail</th>
              <th scope="col">Motif</th>
            </tr>
          </thead>
          <tbody>
            {rejected.slice(0, shownRejected).map((row) => (
              <tr>
                <td>{row.line}</td>
                <td>{row.email ?? ''}</td>
                <td>{row.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>Aucune ligne rejetée.</p>
      )}
      {rejected.length > shownRejected ? (
        <p>{`Seules les ${shownRejected} premières lignes rejetées sont affichées : le compte rendu CSV les contient toutes.`}</p>
      ) : null}
      {settled.length > 0 ? (
        <table>
          <caption>Lignes importées ou ignorées</caption>
          <thead>
            <tr>
              <th scope="col">Ligne</th>
              <th scope="col">Adresse e-mail</th>
              <th scope="col">Résultat</th>
            </tr>
          </thead>
          <tbody>
            {settled.slice(0, shownRejected).map((row) => (
              <tr>
                <td>{row.line}</td>
                <td>{row.email}</td>
                <td>{settledOutcomeLabels[row.outcome]}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {settled.length > shownRejected ? (
        <p>{`Seules les ${shownRejected} premières de ces lignes sont affichées : le compte rendu CSV les contient toutes.`}</p>
      ) : null}
    </>
  );
}
