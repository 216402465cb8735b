import { describe, expect, it } from 'vitest';
import { releaseContentSchema } from '../../../functions/domain/release';
import { diffReleaseContent } from '../../../functions/domain/release-diff';

const content = (over: object) => releaseContentSchema.parse({ brandId: 'cd41', title: 'Titre', ...over });

describe('diffReleaseContent', () => {
  it('names each field that changed, was added or removed, and nothing else', () => {
    const before = content({ lead: 'Chapô', quotes: [{ text: 'Q', author: 'A' }], links: [{ label: 'L', url: 'https://a.example' }] });
    const after = content({ subtitle: 'Nouveau', quotes: [{ text: 'Q', author: 'B' }], links: [] });

    const changes = diffReleaseContent(before, after);

    expect(changes).toEqual([
      { path: 'subtitle', after: 'Nouveau' },
      { path: 'quotes.0.author', before: 'A', after: 'B', words: undefined },
      { path: 'lead', before: 'Chapô' },
      { path: 'links.0.label', before: 'L' },
      { path: 'links.0.url', before: 'https://a.example' },
    ]);
  });

  it('marks the words added and removed in a long text', () => {
    const text = 'Le festival se tiendra le mardi 2 avril 2024 à Tours, salle Ockeghem, de 9 h à 17 h.';
    const [change] = diffReleaseContent(content({ body: text }), content({ body: text.replace('Tours', 'Blois') }));

    expect(change?.path).toBe('body');
    expect(change?.words?.filter((w) => w.removed).map((w) => w.value)).toEqual(['Tours']);
    expect(change?.words?.filter((w) => w.added).map((w) => w.value)).toEqual(['Blois']);
  });

  it('finds no difference between a content and itself', () => {
    const c = content({ lead: 'x', images: [{ url: 'https://i.example/a.jpg', alt: 'Une salle' }] });

    expect(diffReleaseContent(c, structuredClone(c))).toEqual([]);
  });
});
