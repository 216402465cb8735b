import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { listMedia } from '../../../app/list-media';
import { getBrandForSettings, listBrandsForSettings, saveBrand } from '../../../app/manage-brands';
import { ForbiddenError } from '../../../domain/actor';
import type { Brand } from '../../../domain/brand';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { BrandFormPage, type BrandFormValues, BrandsPage, brandPath, brandsPath, formValuesOf } from './brand-pages';

const stringsOf = (form: Record<string, unknown>): BrandFormValues =>
  Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string')) as BrandFormValues;

/** The admin reads the library's images to pick a logo (admins may write releases, so may list it). */
const imagesOf = async (deps: AppDeps, c: Context<WorkspaceEnv>) =>
  (await listMedia(deps, c.get('actor'), { kind: 'image', limit: 200 })).items;

async function formPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  brand: Brand | undefined,
  values: BrandFormValues,
  errors?: readonly FieldError[],
  status: 200 | 400 | 409 = 200,
) {
  return renderPage(
    c,
    { title: brand ? `Marque ${brand.name}` : 'Nouvelle marque', area: 'settings', status },
    <BrandFormPage brand={brand} values={values} images={await imagesOf(deps, c)} csrfToken={c.get('csrfToken')} errors={errors} />,
  );
}

/** Réglages › Marques (admins; the use-cases check): list, create, edit with the contrast check. */
export function brandPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.use(brandsPath, requireUser());
  app.use(`${brandsPath}/*`, requireUser());

  app.get(brandsPath, async (c) => {
    const brands = await listBrandsForSettings(deps, c.get('actor'));
    return renderPage(c, { title: 'Marques', area: 'settings' }, <BrandsPage brands={brands} />);
  });

  app.get(`${brandsPath}/nouvelle`, async (c) => {
    await listBrandsForSettings(deps, c.get('actor'));
    return formPage(c, deps, undefined, { primary: '#00557f', text: '#1a1a1a' });
  });

  const save = async (c: Context<WorkspaceEnv>, existing: Brand | undefined) => {
    const values = stringsOf(await c.req.parseBody());
    try {
      const brand = await saveBrand(deps, c.get('actor'), values, existing?.id);
      setNotice(c, existing ? `Marque « ${brand.name} » enregistrée.` : `Marque « ${brand.name} » créée.`);
      return c.redirect(brandPath(brand.id), 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError || (e as { code?: string }).code === 'not_found') throw e;
      return formPage(c, deps, existing, values, errors, (e as { code?: string }).code === 'conflict' ? 409 : 400);
    }
  };

  app.post(brandsPath, (c) => save(c, undefined));

  app.get(`${brandsPath}/:id`, async (c) => {
    const brand = await getBrandForSettings(deps, c.get('actor'), c.req.param('id'));
    return formPage(c, deps, brand, formValuesOf(brand, undefined));
  });

  app.post(`${brandsPath}/:id`, async (c) => save(c, await getBrandForSettings(deps, c.get('actor'), c.req.param('id'))));

  return app;
}
