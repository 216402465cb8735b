import type { UnsavedPreview } from '../../../app/preview-unsaved-release';
import { fieldId } from '../components/forms';
import { fieldLabel } from '../components/release-labels';
import { LiveErrorSlot } from './editor-fields';

/**
 * The mail as a campaign would send it, in sandboxed iframes (no script, no form, no same-origin
 * access: `sandbox=""`), at desktop and phone widths, with the text part, the web version and,
 * for events, the calendar entry. The tabs are links to anchors: they work without JS.
 */
export function PreviewPanel(props: { preview?: UnsavedPreview | null; isEvent: boolean }) {
  const p = props.preview;
  if (!p) return <p>L’aperçu apparaîtra ici.</p>;
  if (!p.ok) {
    return (
      <div class="preview-problems">
        <p>
          <strong>Aperçu impossible pour l’instant</strong> : corrigez {p.problems.length > 1 ? 'ces champs' : 'ce champ'}.
        </p>
        <ul>
          {p.problems.map((x) => (
            <li>
              {x.field ? (
                <a href={`#${fieldId(x.field)}`}>
                  {fieldLabel(x.field)} : {x.message}
                </a>
              ) : (
                x.message
              )}
            </li>
          ))}
        </ul>
      </div>
    );
  }
  return (
    <>
      {p.subject ? (
        <p class="preview-subject">
          Objet : <strong>{p.subject}</strong>
        </p>
      ) : null}
      <nav aria-label="Vues de l’aperçu" class="preview-tabs">
        <ul>
          <li>
            <a href="#apercu-ordinateur">Ordinateur (640 px)</a>
          </li>
          <li>
            <a href="#apercu-telephone">Téléphone (375 px)</a>
          </li>
          <li>
            <a href="#apercu-texte">Version texte</a>
          </li>
          <li>
            <a href="#apercu-web">Version web</a>
          </li>
          {p.ics ? (
            <li>
              <a href="#apercu-agenda">Entrée d’agenda</a>
            </li>
          ) : null}
        </ul>
      </nav>
      <section id="apercu-ordinateur" class="preview-pane" aria-label="Mail sur ordinateur (640 px)">
        <h3>Ordinateur (640 px)</h3>
        <iframe sandbox="" srcdoc={p.html} title="Aperçu du mail sur ordinateur, 640 pixels de large" width="640" height="800"></iframe>
      </section>
      <section id="apercu-telephone" class="preview-pane" aria-label="Mail sur téléphone (375 px)">
        <h3>Téléphone (375 px)</h3>
        <iframe sandbox="" srcdoc={p.html} title="Aperçu du mail sur téléphone, 375 pixels de large" width="375" height="800"></iframe>
      </section>
      <section id="apercu-texte" class="preview-pane" aria-label="Version texte">
        <h3>Version texte</h3>
        {/* focusable: a long text part scrolls, and the keyboard must reach it to scroll it (WCAG 2.1.1) */}
        <pre class="preview-text" tabindex={0}>
          {p.text}
        </pre>
      </section>
      <section id="apercu-web" class="preview-pane" aria-label="Version web">
        <h3>Version web</h3>
        <iframe sandbox="" srcdoc={p.web} title="Aperçu de la version web" width="640" height="800"></iframe>
      </section>
      {p.ics ? (
        <section id="apercu-agenda" class="preview-pane" aria-label="Entrée d’agenda">
          <h3>Entrée d’agenda (.ics)</h3>
          <pre class="preview-text" tabindex={0}>
            {p.ics}
          </pre>
        </section>
      ) : null}
    </>
  );
}

/**
 * The preview fragment htmx swaps in, plus out-of-band swaps that put each problem beside the
 * field it names, and clear the fields that had one last time (listed in `_liveErrors`).
 */
export function PreviewFragment(props: {
  preview: UnsavedPreview;
  isEvent: boolean;
  shownBefore: readonly string[];
  fields: ReadonlySet<string>;
}) {
  const now = props.preview.ok ? [] : props.preview.problems.filter((x) => props.fields.has(x.field));
  const touched = [...new Set([...props.shownBefore.filter((f) => props.fields.has(f)), ...now.map((x) => x.field)])];
  return (
    <>
      <PreviewPanel preview={props.preview} isEvent={props.isEvent} />
      {touched.map((field) => (
        <LiveErrorSlot field={field} message={now.find((x) => x.field === field)?.message} oob />
      ))}
      <input type="hidden" id="erreurs-apercu" name="_liveErrors" value={now.map((x) => x.field).join(' ')} hx-swap-oob="true" />
    </>
  );
}
