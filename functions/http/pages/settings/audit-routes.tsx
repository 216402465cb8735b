import { Hono } from 'hono';
import { type AuditView, auditView } from '../../../app/audit-view';
import type { AppDeps } from '../../../app/deps';
import { instantText } from '../components/local-time-text';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser } from '../workspace-security';
import { auditCsv } from './audit-csv';
import { auditActionLabel, auditEntityLabels } from './audit-labels';

export const auditPath = '/reglages/journal';

const monthNames = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];
/** "novembre 2026". */
export const monthLabel = (month: string) => `${monthNames[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`;

const query = (v: AuditView) =>
  new URLSearchParams({
    mois: v.month,
    ...(v.actorId ? { personne: v.actorId } : {}),
    ...(v.action ? { action: v.action } : {}),
  }).toString();

function AuditPage(props: { view: AuditView }) {
  const v = props.view;
  const filtered = v.actorId || v.action;
  return (
    <>
      <p>
        <a href="/reglages">Réglages</a>
      </p>
      <h1>Journal d’audit</h1>
      <p>Chaque changement fait dans l’espace de travail ou par l’API : qui, quand, quoi.</p>
      <form method="get" action={auditPath} class="actions">
        <label for="filtre-mois">Mois</label>
        <select id="filtre-mois" name="mois">
          {v.months.map((m) => (
            <option value={m} selected={m === v.month}>
              {monthLabel(m)}
            </option>
          ))}
        </select>
        <label for="filtre-personne">Personne</label>
        <select id="filtre-personne" name="personne">
          <option value="">Tout le monde</option>
          {v.people.map((p) => (
            <option value={p.id} selected={p.id === v.actorId}>
              {p.name}
            </option>
          ))}
        </select>
        <label for="filtre-action">Action</label>
        <select id="filtre-action" name="action">
          <option value="">Toutes</option>
          {v.actions.map((a) => (
            <option value={a} selected={a === v.action}>
              {auditActionLabel(a)}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          Filtrer
        </button>
      </form>
      <p>
        <a href={`${auditPath}/export.csv?${query(v)}`} download>
          Exporter ces entrées (CSV pour tableur, {v.entries.length} ligne{v.entries.length > 1 ? 's' : ''})
        </a>
      </p>
      {v.entries.length === 0 ? (
        <p>
          Aucune entrée pour {monthLabel(v.month)}
          {filtered ? ' avec ces filtres' : ''}.
        </p>
      ) : (
        <table>
          <caption>
            Journal de {monthLabel(v.month)}, les plus récentes d’abord ({v.entries.length} entrée{v.entries.length > 1 ? 's' : ''}
            {filtered ? ', filtrées' : ''})
          </caption>
          <thead>
            <tr>
              <th scope="col">Quand</th>
              <th scope="col">Qui</th>
              <th scope="col">Action</th>
              <th scope="col">Objet</th>
              <th scope="col">Détail</th>
            </tr>
          </thead>
          <tbody>
            {v.entries.map((e) => (
              <tr>
                <td>{instantText(e.at)}</td>
                <td>{e.actorName}</td>
                <td>{auditActionLabel(e.action)}</td>
                <td>
                  {auditEntityLabels[e.entity] ?? e.entity} <code>{e.entityId}</code>
                </td>
                <td>{e.detail ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

const filterOf = (q: (name: string) => string | undefined) => ({
  month: q('mois') || undefined,
  actorId: q('personne') || undefined,
  action: q('action') || undefined,
});

/** Réglages › Journal d’audit: those who may read personal data (publishers, admins); the use-case checks. */
export function auditPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.use(auditPath, requireUser());
  app.use(`${auditPath}/*`, requireUser());

  app.get(auditPath, async (c) => {
    const view = await auditView(
      deps,
      c.get('actor'),
      filterOf((n) => c.req.query(n)),
    );
    return renderPage(c, { title: `Journal d’audit — ${monthLabel(view.month)}`, area: 'settings' }, <AuditPage view={view} />);
  });

  app.get(`${auditPath}/export.csv`, async (c) => {
    const view = await auditView(
      deps,
      c.get('actor'),
      filterOf((n) => c.req.query(n)),
    );
    return c.body(auditCsv(view.entries), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="journal-${view.month}.csv"`,
    });
  });

  return app;
}
