import { describe, expect, it } from 'vitest';
import { renderText, renderWebPage } from '../../../functions/render/compile-release';
import { renderPreviewPage } from '../../../functions/render/preview';
import { brandById, seed000, seed001 } from '../../fixtures/seeds';

const now = new Date('2024-03-20T09:30:00Z');
const inputOf = (content: typeof seed000) => ({
  content,
  brand: brandById(content.brandId),
  coBrands: content.coBrandIds.map(brandById),
  now,
});

describe('renderWebPage', () => {
  it('renders the public page with the content and no per-recipient link', async () => {
    const page = await renderWebPage(inputOf(seed001));
    expect(page).toMatch(/^<!doctype html>/i);
    expect(page).toContain('<html lang="fr"');
    expect(page).toContain('<title>3e édition du «\u202FFestival du travail social\u202F»</title>');
    expect(page).toContain('mardi 2 avril 2024');
    expect(page).not.toMatch(/désinscrire|Gérer mes abonnements|Voir ce message dans le navigateur/);
  });
});

describe('renderText', () => {
  it('renders the text part without recipient lines', () => {
    const text = renderText(inputOf(seed000));
    expect(text).toContain('Blois, le 6 mars 2023');
    expect(text).not.toContain('Se désinscrire');
  });
});

describe('renderPreviewPage', () => {
  it('shows the mail at desktop and phone widths in sandboxed frames', () => {
    const page = renderPreviewPage({ subject: 'Titre <b>', html: '<p class="x">Bonjour & "vous"</p>', text: 'Bonjour' });
    expect(page).toContain('width="640"');
    expect(page).toContain('width="375"');
    expect(page).toContain('sandbox=""');
    expect(page).toContain('srcdoc="&lt;p class=&quot;x&quot;&gt;Bonjour &amp; &quot;vous&quot;&lt;/p&gt;"');
    expect(page).toContain('Titre &lt;b&gt;');
  });
});
