import type { Child } from 'hono/jsx';
import type { FrameBrand, WorkspaceUser } from '../workspace-env';
import { CsrfField } from './forms';

export type Area = 'dashboard' | 'releases' | 'campaigns' | 'plans' | 'audience' | 'settings' | 'none';

export const navigation: readonly { area: Area; href: string; label: string }[] = [
  { area: 'dashboard', href: '/', label: 'Tableau de bord' },
  { area: 'releases', href: '/communiques', label: 'Communiqués' },
  { area: 'campaigns', href: '/campagnes', label: 'Campagnes' },
  { area: 'plans', href: '/plans', label: 'Plans' },
  { area: 'audience', href: '/audience', label: 'Audience' },
  { area: 'settings', href: '/reglages', label: 'Réglages' },
];

export const roleLabels: Record<string, string> = {
  editor: 'rédaction',
  reviewer: 'relecture',
  publisher: 'publication',
  admin: 'administration',
};

export interface LayoutProps {
  /** What the page is; the document title reads "<title> — <area> — Communiqué". */
  readonly title: string;
  readonly area: Area;
  readonly nonce: string;
  readonly csrfToken: string;
  readonly brand?: FrameBrand;
  /** Absent on the sign-in pages. */
  readonly user?: WorkspaceUser;
  readonly notice?: string;
  readonly children?: Child;
}

const areaLabel = (area: Area) => navigation.find((n) => n.area === area)?.label;

/** Every workspace page: skip link, brand, navigation, one live region for notices, the main content. */
export function Layout(props: LayoutProps) {
  const section = areaLabel(props.area);
  const documentTitle = [props.title, section && section !== props.title ? section : undefined, 'Communiqué'].filter(Boolean).join(' — ');
  const brandName = props.brand?.name ?? 'Communiqué';
  return (
    <html lang="fr">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta
          name="htmx-config"
          content='{"allowEval":false,"includeIndicatorStyles":false,"inlineScriptNonce":"","selfRequestsOnly":true}'
        />
        <title>{documentTitle}</title>
        <link rel="stylesheet" href="/assets/workspace.css" />
        {props.brand ? <style nonce={props.nonce}>{`:root { --brand: ${props.brand.primary}; }`}</style> : null}
        <script src="/assets/htmx.min.js" nonce={props.nonce} defer></script>
        <script src="/assets/workspace.js" nonce={props.nonce} defer></script>
      </head>
      <body hx-headers={JSON.stringify({ 'x-csrf-token': props.csrfToken })}>
        <a class="skip-link" href="#contenu">
          Aller au contenu
        </a>
        <header class="site-header">
          <div class="brand">
            {props.brand?.logo ? <img src={props.brand.logo.url} alt={props.brand.logo.alt} height="40" /> : null}
            <span class="brand-name">{brandName}</span>
            <span class="product">Communiqué</span>
          </div>
          {props.user ? (
            <div class="account">
              <span>
                {props.user.name} <span class="role">({roleLabels[props.user.role] ?? props.user.role})</span>
              </span>
              <form method="post" action="/deconnexion" class="inline">
                <CsrfField token={props.csrfToken} />
                <button type="submit" class="link-button">
                  Se déconnecter
                </button>
              </form>
            </div>
          ) : null}
        </header>
        {props.user ? (
          <nav class="main-nav" aria-label="Navigation principale">
            <ul>
              {navigation.map((n) => (
                <li>
                  <a href={n.href} aria-current={n.area === props.area ? 'page' : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
        ) : null}
        <div id="annonces" class="notice-region" role="status" aria-live="polite">
          {props.notice ? <p class="notice">{props.notice}</p> : null}
        </div>
        <main id="contenu" tabindex={-1}>
          {props.children}
        </main>
        <footer class="site-footer">
          <p>Communiqué — espace de travail de {brandName}</p>
        </footer>
      </body>
    </html>
  );
}
