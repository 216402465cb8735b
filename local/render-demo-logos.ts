/**
 * Renders the demo brands' logos once (committed in local/demo/): a white wordmark on the
 * brand's colour, 240×80 CSS pixels at 2× for sharp mails and headers. Fictional artwork, not
 * the real institutions' logos. Run again only to change them:
 *   npx tsx local/render-demo-logos.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const logos = [
  { file: 'logo-cd41.png', colour: '#005a87', accent: '#e4003a', name: 'Loir-et-Cher', tagline: 'le Département' },
  { file: 'logo-cd37.png', colour: '#6d2077', accent: '#d9a8e0', name: 'Touraine', tagline: 'Département d’Indre-et-Loire' },
];

const page = (l: (typeof logos)[number]) => `<!doctype html><html><head><meta charset="utf-8"><style>
  html, body { margin: 0; }
  .logo { box-sizing: border-box; width: 240px; height: 80px; background: ${l.colour}; color: #fff; display: flex;
    flex-direction: column; justify-content: center; padding: 0 16px; font-family: 'DejaVu Sans', Arial, sans-serif;
    border-left: 6px solid ${l.accent}; }
  .name { font-size: 28px; font-weight: bold; letter-spacing: -0.5px; line-height: 1.1; }
  .tagline { font-size: 11px; text-transform: uppercase; letter-spacing: 0.5px; margin-top: 4px; white-space: nowrap; }
</style></head><body><div class="logo"><div class="name">${l.name}</div><div class="tagline">${l.tagline}</div></div></body></html>`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  const tab = await browser.newPage({ viewport: { width: 240, height: 80 }, deviceScaleFactor: 2 });
  for (const l of logos) {
    await tab.setContent(page(l));
    const png = await tab.locator('.logo').screenshot({ omitBackground: true });
    writeFileSync(fileURLToPath(new URL(`./demo/${l.file}`, import.meta.url)), png);
  }
} finally {
  await browser.close();
}
