import type { AuditEntry } from '../../../domain/audit';

/** French names of the actions the use-cases write to the log; an unknown action shows its code. */
const actionLabels: Record<string, string> = {
  'release.created': 'Communiqué créé',
  'release.updated': 'Communiqué modifié',
  'release.duplicated': 'Communiqué dupliqué',
  'release.submitted': 'Communiqué soumis à relecture',
  'release.approved': 'Communiqué approuvé',
  'release.rejected': 'Communiqué renvoyé en brouillon',
  'release.published': 'Communiqué publié',
  'campaign.launched': 'Campagne lancée',
  'campaign.scheduled': 'Campagne programmée',
  'campaign.rescheduled': 'Campagne reprogrammée',
  'campaign.pause': 'Campagne mise en pause',
  'campaign.resume': 'Campagne reprise',
  'campaign.cancel': 'Campagne annulée',
  'plan.created': 'Plan d’annonces créé',
  'plan.moved': 'Événement déplacé',
  'subscriber.added': 'Contact ajouté à une liste',
  'subscriber.updated': 'Profil de contact modifié',
  'subscriber.removed': 'Contact retiré d’une liste',
  'subscriber.exported': 'Fichier RGPD exporté',
  'subscriber.erased': 'Contact effacé',
  'suppression.added': 'Adresse bloquée à la main',
  'suppression.lifted': 'Blocage levé',
  'list.created': 'Liste créée',
  'list.updated': 'Liste modifiée',
  'token.created': 'Jeton d’API créé',
  'token.revoked': 'Jeton d’API révoqué',
  'user.invite': 'Personne invitée',
  'user.reinvite': 'Invitation renvoyée',
  'user.accept-invitation': 'Invitation acceptée',
  'user.role': 'Rôle changé',
  'user.deactivate': 'Compte désactivé',
  'user.reactivate': 'Compte réactivé',
  'user.first-admin': 'Premier administrateur créé',
  'user.sign-in': 'Connexion',
  'user.sign-out': 'Déconnexion',
};

export const auditActionLabel = (action: string) => actionLabels[action] ?? action;

export const auditEntityLabels: Record<AuditEntry['entity'], string> = {
  release: 'communiqué',
  campaign: 'campagne',
  plan: 'plan',
  token: 'jeton',
  subscriber: 'contact',
  list: 'liste',
  user: 'utilisateur',
  setting: 'réglage',
};
