import { ValidationError } from '../domain/errors';
import { personalise } from '../render/compiled-mail';
import type { AppDeps } from './deps';
import { getRelease } from './manage-releases';

/** Renders a release exactly as a recipient would get it, with inert links in place of theirs. */
export async function previewRelease(deps: AppDeps, id: string): Promise<{ subject: string; html: string; text: string }> {
  const release = await getRelease(deps, id);
  const brand = await deps.store.getBrand(release.content.brandId);
  if (!brand) throw new ValidationError(`Marque inconnue : ${release.content.brandId}`, 'brandId');
  const coBrands = (await Promise.all(release.content.coBrandIds.map((b) => deps.store.getBrand(b)))).filter((b) => b !== undefined);
  const mail = await deps.compileRelease({
    content: release.content,
    brand,
    coBrands,
    webVersionUrl: `${deps.publicBaseUrl}/releases/${release.id}`,
    now: deps.clock.now(),
  });
  return personalise(mail, { unsubscribeUrl: '#desinscription', preferencesUrl: '#preferences', email: 'apercu@example.org', name: 'Aperçu' });
}
