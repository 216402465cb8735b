import { describe, expect, it } from 'vitest';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { sendTestMail, testMailLimits } from '../../../functions/app/send-test-mail';
import { testRecipientsSetting } from '../../../functions/app/test-mail-recipients';
import type { Actor } from '../../../functions/domain/actor';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '../../../functions/domain/errors';
import { fakeDeps, testBrand } from '../../support/fakes';

const editor: Actor = { id: 'tok-claire', name: 'Claire', role: 'editor' };

async function world() {
  const ctx = fakeDeps();
  await ctx.store.putBrand({ ...testBrand, replyTo: 'presse@example.org' });
  // Test mails go only to the sender's own address or to these, allowed by an admin.
  const allowed = ['claire.martin@example.org', 'anne@example.org', 'parti@example.org', 'a@example.org', 'claire@example.org'];
  await ctx.store.putSetting(testRecipientsSetting, { addresses: allowed }, '2026-01-01T00:00:00Z');
  const release = await createRelease(ctx.deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
  return { ...ctx, release };
}

const caught = async (p: Promise<unknown>): Promise<unknown> =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('sendTestMail', () => {
  it('sends one mail to the given address, subject prefixed [TEST], with both unsubscribe headers', async () => {
    // prepare
    const { deps, mailer, release } = await world();

    // act
    const result = await sendTestMail(deps, { releaseId: release.id, to: ' Claire.Martin@Example.ORG ' }, editor);

    // assess
    expect(mailer.sent).toHaveLength(1);
    const mail = mailer.sent[0]!;
    expect(result).toEqual({ messageId: mail.messageId, to: 'claire.martin@example.org' });
    expect(mail.to).toBe('claire.martin@example.org');
    expect(mail.subject).toBe('[TEST] Festival du travail social');
    expect(mail.from).toEqual({ name: testBrand.senderName, address: testBrand.senderEmail });
    expect(mail.replyTo).toEqual(['presse@example.org']);
    const unsubscribe = mail.headers.find((h) => h.name === 'List-Unsubscribe')?.value;
    expect(unsubscribe).toMatch(/^<https:\/\/communique\.example\.org\/unsubscribe\/[^>]+>$/);
    expect(mail.headers).toContainEqual({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
    // the link in the body is the one in the header, personalised like a real mail
    expect(mail.html).toContain(unsubscribe?.slice(1, -1));
    expect(mail.text).toContain(unsubscribe?.slice(1, -1));
    expect(mail.tags).toEqual({ kind: 'test', release: release.id });
    expect(mail.tags).not.toHaveProperty('campaign');
  });

  it('creates no campaign, no recipient, touches no list and leaves the release as it was', async () => {
    // prepare: a list with a member, to see that nothing of it moves
    const { deps, store, queue, release } = await world();
    const presse = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    await addSubscriberToList(deps, presse.id, { email: 'anne@example.org' });
    const membersBefore = structuredClone([...store.memberships.values()]);
    const subscribersBefore = store.subscribers.size;

    // act
    await sendTestMail(deps, { releaseId: release.id, to: 'anne@example.org' }, editor);

    // assess
    expect(store.campaigns.size).toBe(0);
    expect(store.mails.size).toBe(0);
    expect(store.recipients.size).toBe(0);
    expect(queue.messages).toEqual([]);
    expect([...store.memberships.values()]).toEqual(membersBefore);
    expect(store.subscribers.size).toBe(subscribersBefore);
    expect((await store.getRelease(release.id))?.status).toBe(release.status);
    expect(store.audit.at(-1)).toMatchObject({ action: 'release.test_sent', entity: 'release', entityId: release.id, actorId: editor.id });
  });

  it('refuses a suppressed address with a French conflict, and sends nothing', async () => {
    const { deps, store, mailer, release } = await world();
    await store.suppress('parti@example.org', 'hard-bounce', '2026-01-01T00:00:00Z');

    const error = await caught(sendTestMail(deps, { releaseId: release.id, to: 'Parti@example.org' }, editor));

    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/ne reçoit plus d’envois \(hard-bounce\)/);
    expect(mailer.sent).toEqual([]);
  });

  it.each([
    ['an invalid address', 'pas-une-adresse'],
    ['a header injection', 'a@example.org\r\nBcc: b@example.org'],
    ['an empty address', '  '],
    ['no address at all', undefined],
  ])('refuses %s with a ValidationError naming `to`', async (_label, to) => {
    const { deps, mailer, release } = await world();

    const error = await caught(sendTestMail(deps, { releaseId: release.id, to }, editor));

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe('to');
    expect((error as Error).message).toMatch(/adresse/i);
    expect(mailer.sent).toEqual([]);
  });

  it('answers 404-style for an unknown release', async () => {
    const { deps, mailer } = await world();
    expect(await caught(sendTestMail(deps, { releaseId: 'inconnu', to: 'a@example.org' }, editor))).toBeInstanceOf(NotFoundError);
    expect(mailer.sent).toEqual([]);
  });

  it(`allows ${testMailLimits.perActor} test mails per actor per window, then refuses until the window passes`, async () => {
    const { deps, mailer, clock, release } = await world();
    const send = (actor: Actor) => sendTestMail(deps, { releaseId: release.id, to: 'claire@example.org' }, actor);
    for (let i = 0; i < testMailLimits.perActor; i++) await send(editor);

    const error = await caught(send(editor));
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('rate_limited');
    expect((error as Error).message).toContain('Trop d’envois de test');
    expect(mailer.sent).toHaveLength(testMailLimits.perActor);

    // another person is not held back by Claire's tests; Claire is, until the window passes
    await send({ id: 'tok-marc', name: 'Marc', role: 'publisher' });
    expect(mailer.sent).toHaveLength(testMailLimits.perActor + 1);
    clock.advance(testMailLimits.windowSeconds * 1000);
    await send(editor);
    expect(mailer.sent).toHaveLength(testMailLimits.perActor + 2);
  });

  it('says in the [TEST] tag until when the release is under embargo, before the embargo prefix', async () => {
    const { deps, mailer } = await world();
    const embargoed = await createRelease(deps, {
      brandId: 'cd41',
      title: 'Annonce',
      body: 'Texte.',
      embargoUntil: '2026-04-01T08:00:00+02:00',
    });

    await sendTestMail(deps, { releaseId: embargoed.id, to: 'claire@example.org' }, editor);

    expect(mailer.sent[0]?.subject.replace(/[\u00a0\u202f]/g, ' ')).toBe(
      '[TEST – sous embargo jusqu’au mercredi 1er avril 2026 à 8 h 00] SOUS EMBARGO – Annonce',
    );
  });
});
