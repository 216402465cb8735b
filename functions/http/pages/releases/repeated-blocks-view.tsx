import type { FieldError } from '../components/forms';
import { Area, Input, Select } from './editor-fields';
import type { BlockName, BlockRow } from './release-form';

interface BlockField {
  readonly name: string;
  readonly label: string;
  readonly kind?: 'area' | 'select';
  readonly type?: string;
  readonly required?: boolean;
  readonly hint?: string;
  readonly options?: readonly { value: string; label: string }[];
  /** A <datalist> of suggestions (the media library's files). */
  readonly list?: string;
}

/** The ids of the editor's datalists of library files (see MediaChoices in release-editor-view). */
export const mediaImagesList = 'mediatheque-images';
export const mediaFilesList = 'mediatheque-fichiers';

const attachmentKinds = [
  { value: 'other', label: 'Autre' },
  { value: 'photo', label: 'Photo' },
  { value: 'pdf', label: 'PDF' },
  { value: 'document', label: 'Document' },
];

/** How each repeated block reads: its heading, what one row is called, its fields. */
export const blockSpecs: Record<BlockName, { title: string; row: string; add: string; fields: readonly BlockField[] }> = {
  quotes: {
    title: 'Citations',
    row: 'Citation',
    add: 'Ajouter une citation',
    fields: [
      { name: 'text', label: 'Texte de la citation', kind: 'area', required: true },
      { name: 'author', label: 'Auteur', required: true },
      { name: 'role', label: 'Fonction' },
      {
        name: 'afterParagraph',
        label: 'Après le paragraphe n°',
        type: 'number',
        hint: 'Vide : après tout le texte. 0 : après le premier paragraphe.',
      },
    ],
  },
  about: {
    title: 'Blocs « À propos »',
    row: 'Bloc',
    add: 'Ajouter un bloc « À propos »',
    fields: [
      { name: 'title', label: 'Titre', required: true },
      { name: 'body', label: 'Texte', kind: 'area', required: true },
    ],
  },
  pressContacts: {
    title: 'Contacts presse',
    row: 'Contact',
    add: 'Ajouter un contact presse',
    fields: [
      { name: 'name', label: 'Nom', required: true },
      { name: 'role', label: 'Fonction' },
      { name: 'organisation', label: 'Organisme' },
      { name: 'email', label: 'Courriel', type: 'email' },
      { name: 'phone', label: 'Téléphone', type: 'tel' },
    ],
  },
  socialLinks: {
    title: 'Réseaux sociaux',
    row: 'Réseau',
    add: 'Ajouter un réseau social',
    fields: [
      { name: 'network', label: 'Réseau', required: true, hint: 'Par exemple : facebook, linkedin, instagram.' },
      { name: 'label', label: 'Libellé', required: true },
      { name: 'url', label: 'Adresse', type: 'url', required: true },
    ],
  },
  links: {
    title: 'Liens',
    row: 'Lien',
    add: 'Ajouter un lien',
    fields: [
      { name: 'label', label: 'Libellé', required: true },
      { name: 'url', label: 'Adresse', type: 'url', required: true },
    ],
  },
  images: {
    title: 'Images',
    row: 'Image',
    add: 'Ajouter une image',
    fields: [
      {
        name: 'url',
        label: 'Adresse de l’image',
        type: 'url',
        required: true,
        list: mediaImagesList,
        hint: 'Choisissez une image de la médiathèque parmi les suggestions, ou collez une adresse.',
      },
      { name: 'alt', label: 'Texte alternatif', required: true, hint: 'Ce que montre l’image, pour qui ne la voit pas.' },
      { name: 'caption', label: 'Légende' },
      { name: 'credit', label: 'Crédit' },
    ],
  },
  attachments: {
    title: 'Pièces jointes',
    row: 'Pièce jointe',
    add: 'Ajouter une pièce jointe',
    fields: [
      { name: 'label', label: 'Libellé', required: true },
      {
        name: 'url',
        label: 'Adresse du fichier',
        type: 'url',
        required: true,
        list: mediaFilesList,
        hint: 'Choisissez un fichier de la médiathèque parmi les suggestions, ou collez une adresse.',
      },
      { name: 'kind', label: 'Type', kind: 'select', options: attachmentKinds },
    ],
  },
  'event.programme': {
    title: 'Programme',
    row: 'Ligne du programme',
    add: 'Ajouter une ligne au programme',
    fields: [
      { name: 'time', label: 'Heure', hint: 'Par exemple : 9 h 30.' },
      { name: 'title', label: 'Intitulé', required: true },
      { name: 'speaker', label: 'Intervenant' },
    ],
  },
  'event.speakers': {
    title: 'Intervenants',
    row: 'Intervenant',
    add: 'Ajouter un intervenant',
    fields: [
      { name: 'name', label: 'Nom', required: true },
      { name: 'title', label: 'Qualité' },
    ],
  },
  'event.organiserContacts': {
    title: 'Contacts des organisateurs',
    row: 'Contact',
    add: 'Ajouter un contact organisateur',
    fields: [
      { name: 'organisation', label: 'Organisme', required: true },
      { name: 'label', label: 'Libellé' },
      { name: 'email', label: 'Courriel', type: 'email', required: true },
    ],
  },
};

export const blockElementId = (block: BlockName) => `bloc-${block.replace(/\./g, '-')}`;

/** One repeated block: its rows, each with remove / move buttons, and an add button. Posts without JS; htmx swaps the block alone. */
export function BlockFieldset(props: {
  block: BlockName;
  rows: readonly BlockRow[];
  errors?: readonly FieldError[];
  action: string;
  /** The row whose first input takes focus; -1: the add button. */
  focus?: number;
  enabled: boolean;
}) {
  const spec = blockSpecs[props.block];
  const id = blockElementId(props.block);
  const hx = { 'hx-post': props.action, 'hx-target': `#${id}`, 'hx-swap': 'outerHTML' };
  return (
    <fieldset id={id} class="repeated-block" disabled={!props.enabled}>
      <legend>{spec.title}</legend>
      {props.rows.length === 0 ? <p class="hint">Aucun élément pour l’instant.</p> : null}
      <ol class="block-rows">
        {props.rows.map((row, i) => {
          const label = `${spec.row} ${i + 1}`;
          return (
            <li>
              <fieldset class="block-row">
                <legend>{label}</legend>
                {spec.fields.map((f, k) => {
                  const name = `${props.block}.${i}.${f.name}`;
                  const common = {
                    name,
                    label: f.label,
                    value: row[f.name] ?? '',
                    errors: props.errors,
                    required: f.required,
                    hint: f.hint,
                    autofocus: props.focus === i && k === 0,
                  };
                  if (f.kind === 'area') return <Area {...common} rows={3} />;
                  if (f.kind === 'select') return <Select {...common} options={f.options ?? []} />;
                  return <Input {...common} type={f.type} list={f.list} />;
                })}
                {props.enabled ? (
                  <div class="row-actions">
                    <button
                      type="submit"
                      class="secondary"
                      name="_action"
                      value={`up:${props.block}:${i}`}
                      formnovalidate
                      {...hx}
                      disabled={i === 0}
                    >
                      Monter<span class="visually-hidden"> : {label}</span>
                    </button>{' '}
                    <button
                      type="submit"
                      class="secondary"
                      name="_action"
                      value={`down:${props.block}:${i}`}
                      formnovalidate
                      {...hx}
                      disabled={i === props.rows.length - 1}
                    >
                      Descendre<span class="visually-hidden"> : {label}</span>
                    </button>{' '}
                    <button type="submit" class="secondary" name="_action" value={`remove:${props.block}:${i}`} formnovalidate {...hx}>
                      Retirer<span class="visually-hidden"> : {label}</span>
                    </button>
                  </div>
                ) : null}
              </fieldset>
            </li>
          );
        })}
      </ol>
      {props.enabled ? (
        <button
          type="submit"
          class="secondary"
          name="_action"
          value={`add:${props.block}`}
          formnovalidate
          {...hx}
          data-autofocus={props.focus === -1 ? true : undefined}
        >
          {spec.add}
        </button>
      ) : null}
    </fieldset>
  );
}
