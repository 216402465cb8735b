import type { MediaView } from '../../../app/list-media';
import type { Brand } from '../../../domain/brand';
import { contrastRatio } from '../../../domain/colour-contrast';
import { CsrfField, ErrorSummary, errorFor, type FieldError, SelectField, TextArea, TextField } from '../components/forms';

export const brandsPath = '/reglages/marques';
export const brandPath = (id: string) => `${brandsPath}/${encodeURIComponent(id)}`;

/** The form's values, as posted or as read from a brand. */
export type BrandFormValues = Record<string, string | undefined>;

export function formValuesOf(brand: Brand, logoMediaId: string | undefined): BrandFormValues {
  return {
    id: brand.id,
    name: brand.name,
    senderName: brand.senderName,
    senderEmail: brand.senderEmail,
    replyTo: brand.replyTo,
    logoMediaId,
    primary: brand.colours.primary,
    text: brand.colours.text,
    accent: brand.colours.accent,
    websiteUrl: brand.websiteUrl,
    postalAddress: brand.postalAddress,
    legalNotice: brand.legalNotice,
    'privacy.controller': brand.privacyNotice?.controller,
    'privacy.purpose': brand.privacyNotice?.purpose,
    'privacy.lawfulBasis': brand.privacyNotice?.lawfulBasis,
    'privacy.retention': brand.privacyNotice?.retention,
    'privacy.rights': brand.privacyNotice?.rights,
    'privacy.dpoContact': brand.privacyNotice?.dpoContact,
    reviewRequired: brand.review.required ? 'on' : undefined,
    allowSelfApproval: brand.review.allowSelfApproval ? 'on' : undefined,
  };
}

const ratio = (a: string, b: string) => contrastRatio(a, b).toLocaleString('fr-FR', { maximumFractionDigits: 1 });

export function BrandsPage(props: { brands: readonly Brand[] }) {
  return (
    <>
      <p>
        <a href="/reglages">Réglages</a>
      </p>
      <h1>Marques</h1>
      <p>L’identité de chaque émetteur : nom, logo, couleurs, expéditeur, adresse postale, mentions légales et informations RGPD.</p>
      <p>
        <a href={`${brandsPath}/nouvelle`} class="button">
          Nouvelle marque
        </a>
      </p>
      <table>
        <caption>Marques ({props.brands.length})</caption>
        <thead>
          <tr>
            <th scope="col">Nom</th>
            <th scope="col">Expéditeur</th>
            <th scope="col">Couleur principale</th>
            <th scope="col">Relecture</th>
          </tr>
        </thead>
        <tbody>
          {props.brands.map((b) => (
            <tr>
              <td>
                <a href={brandPath(b.id)}>{b.name}</a>
              </td>
              <td>
                {b.senderName} &lt;{b.senderEmail}&gt;
              </td>
              <td>
                <span class="swatch" style={`background:${b.colours.primary}`} aria-hidden="true">
                  &#8199;&#8199;
                </span>{' '}
                {b.colours.primary} (texte blanc : {ratio('#ffffff', b.colours.primary)}:1)
              </td>
              <td>{b.review.required ? 'obligatoire' : 'facultative'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function BrandFormPage(props: {
  brand?: Brand;
  values: BrandFormValues;
  images: readonly MediaView[];
  csrfToken: string;
  errors?: readonly FieldError[];
}) {
  const v = props.values;
  const e = (field: string) => errorFor(props.errors, field);
  const creating = !props.brand;
  return (
    <>
      <p>
        <a href={brandsPath}>Marques</a>
      </p>
      <h1>{creating ? 'Nouvelle marque' : `Marque « ${props.brand?.name} »`}</h1>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={creating ? brandsPath : brandPath(props.brand?.id ?? '')} class="stack">
        <CsrfField token={props.csrfToken} />
        <fieldset>
          <legend>Identité</legend>
          {creating ? (
            <TextField
              name="id"
              label="Identifiant"
              hint="Minuscules, chiffres et tirets ; il figure dans l’adresse de la salle de presse (/newsroom/identifiant)."
              value={v.id}
              required
              error={e('id')}
            />
          ) : null}
          <TextField name="name" label="Nom" value={v.name} required maxlength={200} error={e('name')} />
          <SelectField
            name="logoMediaId"
            label="Logo"
            hint="Une image de la médiathèque ; son texte alternatif l’accompagne."
            value={v.logoMediaId ?? ''}
            options={[
              ...(props.brand?.logo
                ? [
                    { value: '', label: `Garder le logo actuel (${props.brand.logo.alt})` },
                    { value: 'aucun', label: 'Retirer le logo' },
                  ]
                : [{ value: '', label: 'Aucun logo' }]),
              ...props.images.map((m) => ({ value: m.id, label: `${m.filename} — ${m.alt ?? ''}` })),
            ]}
            error={e('logoMediaId')}
          />
          <p>
            <a href="/mediatheque">Ajouter une image à la médiathèque</a>
          </p>
          <TextField name="websiteUrl" label="Site web" type="url" value={v.websiteUrl} error={e('websiteUrl')} />
        </fieldset>
        <fieldset>
          <legend>Couleurs</legend>
          <p class="hint">
            Contrôle WCAG AA : le texte blanc sur la couleur principale, et la couleur du texte sur fond blanc, doivent atteindre 4,5:1.
          </p>
          <TextField
            name="primary"
            field="colours.primary"
            label="Couleur principale (#RRGGBB)"
            value={v.primary}
            required
            error={e('colours.primary')}
          />
          <TextField name="text" field="colours.text" label="Couleur du texte (#RRGGBB)" value={v.text} error={e('colours.text')} />
          <TextField
            name="accent"
            field="colours.accent"
            label="Couleur d’accent (#RRGGBB, facultative)"
            value={v.accent}
            error={e('colours.accent')}
          />
        </fieldset>
        <fieldset>
          <legend>Expéditeur</legend>
          <TextField name="senderName" label="Nom de l’expéditeur" value={v.senderName} required error={e('senderName')} />
          <TextField
            name="senderEmail"
            label="Adresse de l’expéditeur"
            type="email"
            value={v.senderEmail}
            required
            error={e('senderEmail')}
          />
          <TextField name="replyTo" label="Adresse de réponse (facultative)" type="email" value={v.replyTo} error={e('replyTo')} />
        </fieldset>
        <fieldset>
          <legend>Mentions</legend>
          <TextArea name="postalAddress" label="Adresse postale" value={v.postalAddress} rows={3} error={e('postalAddress')} />
          <TextArea
            name="legalNotice"
            label="Mentions légales"
            hint="Éditeur, directeur de la publication, hébergeur : affichées sur la salle de presse et les pages publiques."
            value={v.legalNotice}
            rows={5}
            error={e('legalNotice')}
          />
        </fieldset>
        <fieldset>
          <legend>Informations RGPD (article 13)</legend>
          <p class="hint">Affichées là où les données sont collectées : inscription, confirmation, préférences.</p>
          <TextField
            name="privacy.controller"
            field="privacyNotice.controller"
            label="Responsable du traitement"
            value={v['privacy.controller']}
            error={e('privacyNotice.controller')}
          />
          <TextArea
            name="privacy.purpose"
            field="privacyNotice.purpose"
            label="Finalité"
            value={v['privacy.purpose']}
            rows={2}
            error={e('privacyNotice.purpose')}
          />
          <TextField
            name="privacy.lawfulBasis"
            field="privacyNotice.lawfulBasis"
            label="Base légale"
            value={v['privacy.lawfulBasis']}
            error={e('privacyNotice.lawfulBasis')}
          />
          <TextField
            name="privacy.retention"
            field="privacyNotice.retention"
            label="Durée de conservation"
            value={v['privacy.retention']}
            error={e('privacyNotice.retention')}
          />
          <TextArea
            name="privacy.rights"
            field="privacyNotice.rights"
            label="Droits et comment les exercer"
            value={v['privacy.rights']}
            rows={3}
            error={e('privacyNotice.rights')}
          />
          <TextField
            name="privacy.dpoContact"
            field="privacyNotice.dpoContact"
            label="Contact du délégué à la protection des données"
            value={v['privacy.dpoContact']}
            error={e('privacyNotice.dpoContact')}
          />
        </fieldset>
        <fieldset>
          <legend>Relecture</legend>
          <div class="field">
            <input type="checkbox" id="champ-reviewRequired" name="reviewRequired" checked={v.reviewRequired === 'on'} />{' '}
            <label for="champ-reviewRequired">Relecture obligatoire avant tout envoi</label>
          </div>
          <div class="field">
            <input type="checkbox" id="champ-allowSelfApproval" name="allowSelfApproval" checked={v.allowSelfApproval === 'on'} />{' '}
            <label for="champ-allowSelfApproval">L’auteur peut approuver son propre communiqué</label>
          </div>
        </fieldset>
        <p>
          <button type="submit">{creating ? 'Créer la marque' : 'Enregistrer'}</button>
        </p>
      </form>
    </>
  );
}
