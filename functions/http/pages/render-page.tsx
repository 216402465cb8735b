import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Area } from './components/layout';
import { Layout } from './components/layout';
import type { FrameBrand, WorkspaceEnv } from './workspace-env';

export interface PageOptions {
  readonly title: string;
  readonly area: Area;
  readonly status?: ContentfulStatusCode;
  /** The press office's brand for the frame; the workspace's default brand when absent. */
  readonly brand?: FrameBrand;
}

/**
 * Answers the whole page, or only the main content when htmx asks for it (`HX-Request` with
 * `HX-Target: contenu`): one view function for both, as in the hypermedia models.
 */
export function renderPage(c: Context<WorkspaceEnv>, options: PageOptions, content: Child): Response | Promise<Response> {
  const status = options.status ?? 200;
  if (c.req.header('hx-request') && c.req.header('hx-target') === 'contenu' && !c.req.header('hx-history-restore-request')) {
    c.header('HX-Title', options.title);
    return c.html(<>{content}</>, status);
  }
  return c.html(
    <Layout
      title={options.title}
      area={options.area}
      nonce={c.get('nonce')}
      csrfToken={c.get('csrfToken')}
      user={c.get('user')}
      notice={c.get('notice')}
      brand={options.brand ?? c.get('frameBrand')}
    >
      {content}
    </Layout>,
    status,
  );
}

/** Answers a fragment (an htmx swap target): no frame. */
export function renderFragment(c: Context<WorkspaceEnv>, content: Child, status: ContentfulStatusCode = 200): Response | Promise<Response> {
  return c.html(<>{content}</>, status);
}
