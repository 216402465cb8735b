import { describe, expect, it } from 'vitest';
import { releaseContentSchema } from '../../../functions/domain/release';

const base = { brandId: 'cd41', title: 'Festival du travail social' };

describe('release content schema', () => {
  it('fills defaults for a minimal communiqué', () => {
    const c = releaseContentSchema.parse(base);
    expect(c).toMatchObject({ kind: 'press-release', language: 'fr-FR', quotes: [], schemaVersion: 1 });
  });

  it('refuses a title with a line break (header injection)', () => {
    const r = releaseContentSchema.safeParse({ ...base, title: 'Titre\r\nBcc: victim@example.org' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['title']);
  });

  it.each(['javascript:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:x'])('refuses the link %s', (url) => {
    const r = releaseContentSchema.safeParse({ ...base, links: [{ label: 'Lien', url }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['links', 0, 'url']);
  });

  it('refuses an image without alt text, naming the field', () => {
    const r = releaseContentSchema.safeParse({ ...base, images: [{ url: 'https://example.org/photo.jpg' }] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['images', 0, 'alt']);
  });

  it('requires the event of an event announcement', () => {
    const r = releaseContentSchema.safeParse({ ...base, kind: 'event-announcement' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['event']);
  });
});
