import { describe, expect, it } from 'vitest';
import { handleSendMessage } from '../../../functions/app/handle-send-message';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { approveRelease, submitForReview } from '../../../functions/app/review-release';
import type { Actor } from '../../../functions/domain/actor';
import type { SendMessage } from '../../../functions/ports';
import { workspaceHarness } from '../../support/workspace-harness';

const editor: Actor = { id: 'u-anne', name: 'Anne', role: 'editor' };

async function busyNewsroom() {
  const h = await workspaceHarness({ scheduler: { schedule: async () => undefined, unschedule: async () => undefined } });
  const presse = await createList(h.deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  for (const email of ['a@example.org', 'b@example.org', 'c@example.org']) await addSubscriberToList(h.deps, presse.id, { email });
  await createRelease(h.deps, { brandId: 'cd41', title: 'Brouillon un' }, editor);
  await createRelease(h.deps, { brandId: 'cd41', title: 'Brouillon deux' }, editor);
  const toReview = await createRelease(h.deps, { brandId: 'cd41', title: 'Budget <primitif> 2026' }, editor);
  await submitForReview(h.deps, editor, toReview.id);
  const later = await createRelease(h.deps, { brandId: 'cd41', title: 'Festival du travail social' }, editor);
  const scheduled = await launchCampaign(h.deps, { releaseId: later.id, listIds: [presse.id], sendAt: '2026-04-02T09:00' });
  const now = await createRelease(h.deps, { brandId: 'cd41', title: 'Routes départementales' }, editor);
  const running = await launchCampaign(h.deps, { releaseId: now.id, listIds: [presse.id] });
  return { ...h, presse, toReview, scheduled: scheduled.campaign, running: running.campaign };
}

describe('tableau de bord', () => {
  it('shows releases by status with links, next sends in Paris time, running campaigns with progress', async () => {
    const h = await busyNewsroom();
    // the launch message only (the audience snapshot): the campaign has its total, nothing sent yet
    await handleSendMessage(h.deps, h.queue.messages.shift() as SendMessage);
    const pub = h.as('publisher');

    const r = await pub.get('/');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Tableau de bord</h1>');
    expect(page).toContain('<a href="/communiques?statut=draft">Brouillons : 3</a>');
    expect(page).toContain('<a href="/communiques?statut=in_review">En relecture : 1</a>');
    expect(page).toContain('Prochains envois programmés');
    expect(page).toContain(
      `<a href="/campagnes/${h.scheduled.id}">Festival du travail social</a> — le jeudi 2 avril 2026 à 9\u00a0h\u00a000 (heure de Paris)`,
    );
    expect(page).toContain(`<a href="/campagnes/${h.running.id}">Routes départementales</a>`);
    expect(page).toContain('<progress max="3" value="0" aria-label="Progression de « Routes départementales »">0 %</progress>');
    expect(page).toContain('0 sur 3 (0 %)');
  });

  it('shows "À relire" to a reviewer (markup in a title shown as text), not to an editor', async () => {
    const h = await busyNewsroom();

    const asReviewer = await (await h.as('reviewer').get('/')).text();
    const asEditor = await (await h.as('editor').get('/')).text();

    expect(asReviewer).toContain('<h2 id="titre-relire">À relire</h2>');
    expect(asReviewer).toContain(`<a href="/relecture/${h.toReview.id}">Budget &lt;primitif&gt; 2026</a>`);
    expect(asEditor).not.toContain('À relire');
  });

  it('offers the send dialog for approved releases to those who may send, not to an editor', async () => {
    const h = await busyNewsroom();
    await approveRelease(h.deps, { id: 'u-marc', name: 'Marc', role: 'reviewer' }, h.toReview.id, h.toReview.version);

    const asPublisher = await (await h.as('publisher').get('/')).text();
    const asEditor = await (await h.as('editor').get('/')).text();

    expect(asPublisher).toContain(`Budget &lt;primitif&gt; 2026 — <a href="/communiques/${h.toReview.id}/envoi">Envoyer ou programmer</a>`);
    expect(asEditor).not.toContain('Prêts à envoyer');
  });

  it('lists the recent campaigns SES reported bounces or complaints for', async () => {
    const h = await busyNewsroom();
    await h.store.countDelivery(h.running.id, 'bounced');
    await h.store.countDelivery(h.running.id, 'complaints');
    await h.store.countDelivery(h.running.id, 'complaints');

    const page = await (await h.as('editor').get('/')).text();

    expect(page).toContain('Derniers rebonds et plaintes');
    expect(page).toContain(
      `<tr><td><a href="/campagnes/${h.running.id}">Routes départementales</a></td><td>1</td><td>2</td><td>0</td></tr>`,
    );
  });

  it('says so in French when there is nothing yet', async () => {
    const h = await workspaceHarness();

    const page = await (await h.as('admin').get('/')).text();

    expect(page).toContain('Aucun envoi programmé.');
    expect(page).toContain('Aucune campagne en cours.');
    expect(page).toContain('Aucun rebond ni plainte sur les campagnes récentes.');
    expect(page).toContain('Rien à relire pour l’instant.');
  });

  it('sends a visitor without a session to the sign-in page', async () => {
    const h = await workspaceHarness();

    const r = await h.app.request('/');

    expect(r.status).toBe(303);
    expect(r.headers.get('location')).toBe('/connexion');
  });
});
