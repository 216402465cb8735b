import type { SubscriptionStatus } from '../../../domain/audience';

export const listKindLabels: Record<string, string> = { press: 'presse', partners: 'partenaires', public: 'grand public' };
export const optInLabels: Record<string, string> = {
  single: 'inscription simple (sans confirmation)',
  double: 'double confirmation (un lien à cliquer)',
};
export const memberStatusLabels: Record<SubscriptionStatus, string> = {
  confirmed: 'inscrit',
  unconfirmed: 'en attente de confirmation',
  unsubscribed: 'désinscrit',
};
export const mediumLabels: Record<string, string> = {
  print: 'presse écrite',
  radio: 'radio',
  tv: 'télévision',
  web: 'web',
  agency: 'agence',
};
export const listPath = (id: string) => `/audience/listes/${encodeURIComponent(id)}`;
export const contactPath = (id: string) => `/audience/contacts/${encodeURIComponent(id)}`;
