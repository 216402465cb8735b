import type { ReleaseStatus } from '../../../domain/release';

/** A release's status in words (never by colour alone). */
export const releaseStatusLabels: Record<ReleaseStatus, string> = {
  draft: 'Brouillon',
  in_review: 'En relecture',
  approved: 'Approuvé',
  sent: 'Envoyé',
};

export const releaseKindLabels: Record<string, string> = {
  'press-release': 'Communiqué de presse',
  'event-announcement': 'Annonce d’événement',
};

export const announcementTypeLabels: Record<string, string> = {
  'save-the-date': 'Save the date',
  invitation: 'Invitation',
  reminder: 'Rappel',
  'day-of': 'Jour J',
  'thank-you': 'Remerciements',
};

const fieldLabels: Record<string, string> = {
  kind: 'Genre',
  announcementType: 'Type d’annonce',
  brandId: 'Marque',
  coBrandIds: 'Co-marque',
  language: 'Langue',
  'dateline.city': 'Lieu du chapeau de date',
  'dateline.date': 'Date du chapeau de date',
  title: 'Titre',
  subtitle: 'Sous-titre',
  lead: 'Chapô',
  body: 'Texte',
  embargoUntil: 'Embargo',
  quotes: 'Citation',
  about: 'Bloc « À propos »',
  pressContacts: 'Contact presse',
  socialLinks: 'Réseau social',
  links: 'Lien',
  images: 'Image',
  attachments: 'Pièce jointe',
  event: 'Événement',
  'event.name': 'Nom de l’événement',
  'event.edition': 'Édition',
  'event.theme': 'Thème',
  'event.start': 'Début de l’événement',
  'event.end': 'Fin de l’événement',
  'event.timeZone': 'Fuseau horaire de l’événement',
  'event.venue.name': 'Lieu',
  'event.venue.address': 'Adresse du lieu',
  'event.venue.mapUrl': 'Plan d’accès',
  'event.registrationUrl': 'Lien d’inscription',
  'event.programme': 'Programme',
  'event.speakers': 'Intervenant',
  'event.organiserContacts': 'Contact organisateur',
};

const subLabels: Record<string, string> = {
  text: 'texte',
  author: 'auteur',
  role: 'fonction',
  afterParagraph: 'après le paragraphe',
  title: 'titre',
  body: 'texte',
  name: 'nom',
  organisation: 'organisme',
  email: 'courriel',
  phone: 'téléphone',
  network: 'réseau',
  label: 'libellé',
  url: 'adresse',
  alt: 'texte alternatif',
  caption: 'légende',
  credit: 'crédit',
  kind: 'type',
  time: 'heure',
  speaker: 'intervenant',
};

/**
 * A content path in words, for diffs and error lists: `quotes.1.author` reads
 * "Citation 2, auteur"; `event.programme.0.title` "Programme 1, titre".
 */
export function fieldLabel(path: string): string {
  if (fieldLabels[path]) return fieldLabels[path];
  const m = /^(.*?)\.(\d+)(?:\.(.+))?$/.exec(path);
  if (m) {
    const base = fieldLabels[m[1] ?? ''] ?? m[1];
    const sub = m[3] ? `, ${subLabels[m[3]] ?? fieldLabel(m[3])}` : '';
    return `${base} ${Number(m[2]) + 1}${sub}`;
  }
  return path;
}
