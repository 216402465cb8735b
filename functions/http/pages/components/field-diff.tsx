import type { FieldChange } from '../../../domain/release-diff';
import { fieldLabel } from './release-labels';

function Words(props: { change: FieldChange }) {
  const words = props.change.words ?? [];
  return (
    <p class="diff-words">
      {words.map((w) =>
        w.added ? (
          <ins>
            <span class="visually-hidden">[ajouté : </span>
            {w.value}
            <span class="visually-hidden">]</span>
          </ins>
        ) : w.removed ? (
          <del>
            <span class="visually-hidden">[retiré : </span>
            {w.value}
            <span class="visually-hidden">]</span>
          </del>
        ) : (
          w.value
        ),
      )}
    </p>
  );
}

/**
 * Two versions field by field: one row per field that differs, the text before and after
 * (words added and removed marked, with words for screen readers, not colour alone).
 */
export function FieldDiffTable(props: { changes: readonly FieldChange[]; caption: string; beforeLabel: string; afterLabel: string }) {
  if (props.changes.length === 0) return <p>Aucune différence de contenu.</p>;
  return (
    <table class="field-diff">
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">Champ</th>
          <th scope="col">{props.beforeLabel}</th>
          <th scope="col">{props.afterLabel}</th>
        </tr>
      </thead>
      <tbody>
        {props.changes.map((c) => (
          <tr>
            <th scope="row">{fieldLabel(c.path)}</th>
            <td>{c.before === undefined ? <em>(absent)</em> : <span class="diff-text">{c.before}</span>}</td>
            <td>{c.after === undefined ? <em>(retiré)</em> : c.words ? <Words change={c} /> : <span class="diff-text">{c.after}</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
