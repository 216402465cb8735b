import { describe, expect, it } from 'vitest';
import { brandsOf, compileCampaignMail, embargoSubjectPrefix } from '../../../functions/app/release-rendering';
import { ValidationError } from '../../../functions/domain/errors';
import type { Release, ReleaseContent } from '../../../functions/domain/release';
import { mjmlRenderer } from '../../../functions/render/compile-release';
import { personalise } from '../../../functions/render/compiled-mail';
import { brands, seed000, seed001 } from '../../fixtures/seeds';
import { fakeDeps } from '../../support/fakes';

const release = (id: string, content: ReleaseContent): Release => ({
  id,
  status: 'approved',
  version: 1,
  content,
  createdAt: '2024-01-10T09:00:00Z',
  updatedAt: '2024-01-10T09:00:00Z',
});
const recipient = { unsubscribeUrl: 'https://x.example/u', preferencesUrl: 'https://x.example/p', email: 'a@example.org', name: 'A' };

async function world() {
  const ctx = fakeDeps({ compileRelease: mjmlRenderer.compileRelease });
  for (const brand of brands) await ctx.store.putBrand(brand);
  return ctx;
}

describe('the mail of a campaign', () => {
  it('links an event announcement’s web version and calendar entry, with both brands', async () => {
    const { deps } = await world();

    const mail = personalise(await compileCampaignMail(deps, release('r-001', seed001), new Date('2024-03-20T09:30:00Z')), recipient);

    expect(mail.html).toContain('https://communique.example.org/releases/r-001/event.ics');
    expect(mail.text).toMatch(/Ajouter à mon agenda\s:\shttps:\/\/communique\.example\.org\/releases\/r-001\/event\.ics/);
    expect(mail.html).toContain('https://communique.example.org/releases/r-001"');
    for (const id of seed001.coBrandIds) expect(mail.html).toContain(brands.find((b) => b.id === id)?.logo?.url ?? 'no logo');
  });

  it('has no calendar link for a communiqué, and the embargo prefix only before the embargo', async () => {
    const { deps } = await world();
    const embargoed = release('r-000', { ...seed000, embargoUntil: '2023-03-06T10:00:00+01:00' });

    const before = await compileCampaignMail(deps, embargoed, new Date('2023-03-06T08:59:00Z'));
    const after = await compileCampaignMail(deps, embargoed, new Date('2023-03-06T09:00:00Z'));

    expect(personalise(before, recipient).html).not.toContain('event.ics');
    expect(before.subject.startsWith(embargoSubjectPrefix)).toBe(true);
    expect(after.subject.startsWith(embargoSubjectPrefix)).toBe(false);
    expect(before.subject).toBe(`${embargoSubjectPrefix}${after.subject}`);
  });

  it('refuses a release whose brand is unknown, naming the field', async () => {
    const { deps } = fakeDeps();
    await expect(brandsOf(deps, { ...seed000, brandId: 'cd99' })).rejects.toThrow(ValidationError);
    await expect(brandsOf(deps, { ...seed000, brandId: 'cd99' })).rejects.toMatchObject({ field: 'brandId' });
  });
});
