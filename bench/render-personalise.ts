/**
 * Personalise per recipient: µs per recipient over 10,000 `personalise` calls on the compiled
 * invitation (seed 001), the send worker's only per-recipient rendering work. Target: < 50 µs.
 * Run: `npx tsx bench/render-personalise.ts`.
 */
import { pathToFileURL } from 'node:url';
import { compileRelease } from '../functions/render/compile-release';
import { personalise, type RecipientVars } from '../functions/render/compiled-mail';
import { compileInputOf, seed001 } from '../test/fixtures/seeds';

export async function benchRenderPersonalise(
  recipients = 10_000,
): Promise<{ usPerRecipient: number; outputCharsPerRecipient: number; htmlBytes: number; segments: number }> {
  const mail = await compileRelease(compileInputOf(seed001));
  const vars: RecipientVars[] = Array.from({ length: recipients }, (_, i) => ({
    unsubscribeUrl: `https://communique.example.org/unsubscribe/${i.toString(36)}.c2lnbmF0dXJlLXRva2VuLWhtYWM`,
    preferencesUrl: `https://communique.example.org/preferences/${i.toString(36)}.c2lnbmF0dXJlLXRva2VuLWhtYWM`,
    email: `abonne.${i}@example.org`,
    name: `Abonné ${i}`,
  }));
  // Warm-up so the figure is the steady state of a warm Lambda, not JIT compilation.
  let sink = 0;
  for (let i = 0; i < 1_000; i += 1) sink += personalise(mail, vars[i % recipients]!).html.length;
  let allocated = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < recipients; i += 1) {
    const out = personalise(mail, vars[i]!);
    sink += out.html.length + out.text.length;
    allocated += out.html.length + out.text.length;
  }
  const elapsedNs = Number(process.hrtime.bigint() - t0);
  if (sink === 0) throw new Error('unreachable');
  return {
    usPerRecipient: elapsedNs / 1_000 / recipients,
    // Per recipient, only the output strings are built: one concatenation per segment.
    outputCharsPerRecipient: allocated / recipients,
    htmlBytes: personalise(mail, vars[0]!).html.length,
    segments: mail.html.length + mail.text.length,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchRenderPersonalise();
  console.log(
    `render personalise: ${r.usPerRecipient.toFixed(2)} µs per recipient over 10,000 (target < 50 µs: ${r.usPerRecipient < 50 ? 'met' : 'NOT MET'}); ` +
      `${r.segments} segments joined per recipient, ${(r.htmlBytes / 1024).toFixed(1)} KiB of HTML, ${(r.outputCharsPerRecipient / 1024).toFixed(1)} K characters of output (HTML + text) per recipient`,
  );
}
