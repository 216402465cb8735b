import type { ContactFile } from '../../../app/contact-file';
import { suppressionReasonText } from '../../../app/manage-suppressions';
import type { Subscriber } from '../../../domain/audience';
import type { ConsentRecord } from '../../../domain/consent';
import { CsrfField, ErrorSummary, errorFor, type FieldError, SelectField, TextField } from '../components/forms';
import { instantText } from '../components/local-time-text';
import { contactPath, listKindLabels, listPath, mediumLabels, memberStatusLabels } from './audience-labels';

const eventLabels: Record<ConsentRecord['event'], string> = {
  requested: 'demande d’inscription (confirmation envoyée)',
  confirmed: 'inscription confirmée',
  imported: 'importé',
  unsubscribed: 'désinscription',
  resubscribed: 'réinscription',
  erased: 'effacement',
};
const sourceLabels: Record<string, string> = { form: 'formulaire public', import: 'import', admin: 'espace de travail', api: 'API' };
const basisLabels: Record<string, string> = { consent: 'consentement', 'legitimate-interest': 'intérêt légitime' };
const sendStatusLabels: Record<string, string> = {
  pending: 'en attente',
  sending: 'en cours d’envoi',
  sent: 'remis à SES',
  failed: 'échec',
  skipped: 'non envoyé',
};

export const contactTitle = (s: Subscriber & { erasedAt?: string }) => (s.erasedAt ? 'Contact effacé' : (s.name ?? s.email));

export interface ProfileDraft {
  readonly name?: string;
  readonly organisation?: string;
  readonly role?: string;
  readonly outlet?: string;
  readonly mediumType?: string;
  readonly department?: string;
  readonly tags?: string;
  readonly language?: string;
}

export const profileDraftOf = (s: Subscriber): ProfileDraft => ({
  name: s.name,
  organisation: s.organisation,
  role: s.role,
  outlet: s.outlet,
  mediumType: s.mediumType,
  department: s.department,
  tags: s.tags.join(', '),
  language: s.language,
});

export function ContactPage(props: {
  file: ContactFile;
  canManage: boolean;
  csrfToken: string;
  errors?: readonly FieldError[];
  draft?: { listId?: string; basis?: string };
}) {
  const f = props.file;
  const s = f.subscriber;
  if (f.erasedAt) {
    return (
      <>
        <p>
          <a href="/audience">Audience</a>
        </p>
        <h1>Contact effacé</h1>
        <p>
          Ce contact a été effacé {instantText(f.erasedAt)}. Son adresse n’est plus conservée qu’en empreinte chiffrée, pour qu’aucun envoi
          ne lui parvienne ; l’historique de consentement ne garde que les dates et les événements.
        </p>
        <ConsentTable consent={f.consent} />
      </>
    );
  }
  const id = s.id;
  return (
    <>
      <p>
        <a href="/audience">Audience</a>
      </p>
      <h1>{contactTitle(s)}</h1>
      {f.suppression ? (
        <p class="status status-blocked">
          Adresse bloquée : {suppressionReasonText(f.suppression.reason)}, {instantText(f.suppression.at)}. Aucun envoi ne lui parvient.
        </p>
      ) : null}
      <h2>Profil</h2>
      <dl>
        <dt>Adresse e-mail</dt>
        <dd>{s.email}</dd>
        <dt>Nom</dt>
        <dd>{s.name ?? '—'}</dd>
        <dt>Organisation</dt>
        <dd>{s.organisation ?? '—'}</dd>
        <dt>Fonction</dt>
        <dd>{s.role ?? '—'}</dd>
        <dt>Média</dt>
        <dd>{s.outlet ?? '—'}</dd>
        <dt>Type de média</dt>
        <dd>{s.mediumType ? (mediumLabels[s.mediumType] ?? s.mediumType) : '—'}</dd>
        <dt>Département</dt>
        <dd>{s.department ?? '—'}</dd>
        <dt>Étiquettes</dt>
        <dd>{s.tags.length > 0 ? s.tags.join(', ') : '—'}</dd>
        <dt>Langue</dt>
        <dd>{s.language}</dd>
      </dl>
      {props.canManage ? (
        <p>
          <a href={`${contactPath(id)}/profil`}>Modifier le profil</a>
        </p>
      ) : null}

      <h2 id="listes">Listes</h2>
      {f.memberships.length === 0 ? (
        <p>Ce contact n’est inscrit à aucune liste.</p>
      ) : (
        <table>
          <caption>Inscriptions de ce contact</caption>
          <thead>
            <tr>
              <th scope="col">Liste</th>
              <th scope="col">État</th>
              <th scope="col">Depuis</th>
              {props.canManage ? <th scope="col">Actions</th> : null}
            </tr>
          </thead>
          <tbody>
            {f.memberships.map(({ membership: m, list }) => (
              <tr>
                <th scope="row">{list ? <a href={listPath(list.id)}>{list.name}</a> : m.listId}</th>
                <td>
                  <span class={`status status-${m.status}`}>{memberStatusLabels[m.status]}</span>
                </td>
                <td>{instantText(m.updatedAt)}</td>
                {props.canManage ? (
                  <td>
                    <a href={`${contactPath(id)}/listes/${encodeURIComponent(m.listId)}/retirer`}>
                      Retirer<span class="visually-hidden"> de la liste {list?.name ?? m.listId}</span>
                    </a>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.canManage && f.otherLists.length > 0 ? (
        <>
          <h3 id="ajouter">Inscrire à une liste</h3>
          <ErrorSummary errors={props.errors} />
          <form method="post" action={`${contactPath(id)}/listes`} novalidate>
            <CsrfField token={props.csrfToken} />
            <SelectField
              name="listId"
              label="Liste"
              value={props.draft?.listId}
              options={f.otherLists.map((l) => ({ value: l.id, label: `${l.name} (${listKindLabels[l.kind] ?? l.kind})` }))}
              error={errorFor(props.errors, 'listId')}
              required
            />
            <fieldset class={errorFor(props.errors, 'basis') ? 'field field-error' : 'field'} id="champ-basis">
              <legend>Base légale</legend>
              {errorFor(props.errors, 'basis') ? (
                <p class="error-message">
                  <span class="visually-hidden">Erreur : </span>
                  {errorFor(props.errors, 'basis')}
                </p>
              ) : null}
              <div>
                <input
                  type="radio"
                  id="base-consentement"
                  name="basis"
                  value="consent"
                  checked={(props.draft?.basis ?? 'consent') === 'consent'}
                />{' '}
                <label for="base-consentement">Consentement : la personne reçoit un lien pour confirmer son inscription</label>
              </div>
              <div>
                <input
                  type="radio"
                  id="base-interet"
                  name="basis"
                  value="legitimate-interest"
                  checked={props.draft?.basis === 'legitimate-interest'}
                />{' '}
                <label for="base-interet">Intérêt légitime : journaliste ou contact presse professionnel (listes presse seulement)</label>
              </div>
            </fieldset>
            <button type="submit">Inscrire</button>
          </form>
        </>
      ) : null}

      <h2 id="consentement">Historique du consentement</h2>
      <ConsentTable consent={f.consent} />

      <h2 id="envois">Communiqués envoyés</h2>
      {f.sends.length === 0 ? (
        <p>Aucun communiqué n’a été envoyé à ce contact.</p>
      ) : (
        <table>
          <caption>Envois à ce contact, les plus récents d’abord</caption>
          <thead>
            <tr>
              <th scope="col">Communiqué</th>
              <th scope="col">État</th>
              <th scope="col">Quand</th>
              <th scope="col">Réponse de SES</th>
            </tr>
          </thead>
          <tbody>
            {f.sends.map(({ recipient: r, releaseTitle }) => (
              <tr>
                <th scope="row">
                  <a href={`/campagnes/${encodeURIComponent(r.campaignId)}`}>{releaseTitle ?? r.campaignId}</a>
                </th>
                <td>{sendStatusLabels[r.status] ?? r.status}</td>
                <td>{instantText(r.updatedAt)}</td>
                <td>
                  {r.messageId ? (
                    <>
                      message <code>{r.messageId}</code>
                    </>
                  ) : null}
                  {r.error ? <> {r.error}</> : null}
                  {f.suppression && (f.suppression.reason === 'hard-bounce' || f.suppression.reason === 'complaint') ? (
                    <> ; depuis : {suppressionReasonText(f.suppression.reason)}</>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="donnees">Données personnelles</h2>
      <ul>
        <li>
          <a href={`${contactPath(id)}/export.json`} download>
            Télécharger le fichier RGPD de ce contact (JSON)
          </a>
        </li>
        {props.canManage ? (
          <li>
            <a href={`${contactPath(id)}/effacer`} class="button danger">
              Effacer ce contact
            </a>
          </li>
        ) : null}
      </ul>
    </>
  );
}

function ConsentTable(props: { consent: readonly ConsentRecord[] }) {
  if (props.consent.length === 0) return <p>Aucun événement de consentement enregistré.</p>;
  return (
    <table>
      <caption>Registre du consentement, dans l’ordre où il a été écrit</caption>
      <thead>
        <tr>
          <th scope="col">Événement</th>
          <th scope="col">Quand</th>
          <th scope="col">Source</th>
          <th scope="col">Base légale</th>
          <th scope="col">Texte accepté (version)</th>
          <th scope="col">Client</th>
        </tr>
      </thead>
      <tbody>
        {props.consent.map((r) => (
          <tr>
            <td>{eventLabels[r.event] ?? r.event}</td>
            <td>{instantText(r.at)}</td>
            <td>
              {sourceLabels[r.source] ?? r.source}
              {r.actor ? ` (${r.actor})` : ''}
            </td>
            <td>{basisLabels[r.lawfulBasis] ?? r.lawfulBasis}</td>
            <td>
              {r.wording ?? '—'}
              {r.wordingVersion ? ` (version ${r.wordingVersion})` : ''}
            </td>
            <td>{[r.ip, r.userAgent].filter(Boolean).join(' — ') || '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ProfilePage(props: { subscriber: Subscriber; draft: ProfileDraft; csrfToken: string; errors?: readonly FieldError[] }) {
  const d = props.draft;
  const e = props.errors;
  const id = props.subscriber.id;
  return (
    <>
      <p>
        <a href={contactPath(id)}>Retour à la fiche</a>
      </p>
      <h1>Modifier le profil de {contactTitle(props.subscriber)}</h1>
      <p>L’adresse e-mail ({props.subscriber.email}) ne se modifie pas : c’est l’identité du contact.</p>
      <ErrorSummary errors={e} />
      <form method="post" action={`${contactPath(id)}/profil`} novalidate>
        <CsrfField token={props.csrfToken} />
        <TextField name="name" label="Nom et prénom" value={d.name} maxlength={200} error={errorFor(e, 'name')} />
        <TextField name="organisation" label="Organisation" value={d.organisation} maxlength={200} error={errorFor(e, 'organisation')} />
        <TextField name="role" label="Fonction" value={d.role} maxlength={200} error={errorFor(e, 'role')} />
        <TextField
          name="outlet"
          label="Média"
          hint="Le titre, la station ou le site."
          value={d.outlet}
          maxlength={200}
          error={errorFor(e, 'outlet')}
        />
        <SelectField
          name="mediumType"
          label="Type de média"
          value={d.mediumType ?? ''}
          options={[{ value: '', label: 'Non précisé' }, ...Object.entries(mediumLabels).map(([value, label]) => ({ value, label }))]}
          error={errorFor(e, 'mediumType')}
        />
        <TextField
          name="department"
          label="Département"
          hint="Par exemple 41"
          value={d.department}
          maxlength={10}
          error={errorFor(e, 'department')}
        />
        <TextField
          name="tags"
          label="Étiquettes"
          hint="Séparées par des virgules, par exemple « social, culture »."
          value={d.tags}
          error={errorFor(e, 'tags')}
        />
        <TextField
          name="language"
          label="Langue"
          hint="Code de langue, par exemple fr"
          value={d.language}
          maxlength={10}
          error={errorFor(e, 'language')}
        />
        <button type="submit">Enregistrer le profil</button>
      </form>
    </>
  );
}

export function RemoveFromListPage(props: { subscriber: Subscriber; listName: string; listId: string; csrfToken: string }) {
  const id = props.subscriber.id;
  return (
    <>
      <h1>
        Retirer {contactTitle(props.subscriber)} de la liste {props.listName} ?
      </h1>
      <p>
        Le contact ne recevra plus les envois de cette liste. Le registre du consentement garde la trace du retrait, avec votre nom. Il
        pourra être inscrit de nouveau plus tard, avec une base légale.
      </p>
      <form method="post" action={`${contactPath(id)}/listes/${encodeURIComponent(props.listId)}/retirer`}>
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="danger">
          Retirer de la liste
        </button>{' '}
        <a href={contactPath(id)}>Annuler</a>
      </form>
    </>
  );
}

export function ErasePage(props: { subscriber: Subscriber; csrfToken: string }) {
  const s = props.subscriber;
  return (
    <>
      <h1>Effacer {contactTitle(s)} ?</h1>
      <p>L’effacement répond à une demande au titre du RGPD (article 17). Il est définitif.</p>
      <h2>Ce qui est supprimé</h2>
      <ul>
        <li>le profil : nom, organisation, fonction, média, département, étiquettes ;</li>
        <li>l’adresse e-mail ({s.email}), partout : inscriptions, envois passés, messages d’erreur ;</li>
        <li>l’adresse IP et le navigateur notés dans le registre du consentement.</li>
      </ul>
      <h2>Ce qui est conservé</h2>
      <ul>
        <li>
          une empreinte chiffrée (HMAC) de l’adresse, sur la liste des adresses bloquées : elle ne permet pas de retrouver l’adresse, mais
          empêche tout nouvel envoi vers elle ;
        </li>
        <li>
          le registre du consentement sans données personnelles : les événements, leurs dates et leur base légale, pour pouvoir en rendre
          compte ;
        </li>
        <li>une ligne au journal d’audit disant qui a effacé, et quand, sans l’adresse.</li>
      </ul>
      <p>Pensez à télécharger le fichier RGPD d’abord si la personne a aussi demandé ses données.</p>
      <form method="post" action={`${contactPath(s.id)}/effacer`}>
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="danger">
          Effacer définitivement
        </button>{' '}
        <a href={contactPath(s.id)}>Annuler</a>
      </form>
    </>
  );
}
