import { formatFrenchInstant } from '../../../domain/french-dates';
import type { ReleaseVersionInfo } from '../../../ports';

/** When, in words, in Paris time with the zone named: "mardi 2 avril 2024 à 9 h 00 (heure de Paris)". */
export const frenchWhen = (iso: string) => `${formatFrenchInstant(new Date(iso))} (heure de Paris)`;

/** A release's saved versions, newest first, with who saved each and when. */
export function VersionHistory(props: { history: readonly ReleaseVersionInfo[] }) {
  return (
    <details class="history">
      <summary>Historique des versions ({props.history.length})</summary>
      <table>
        <caption>Versions enregistrées, la plus récente en premier</caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Enregistrée</th>
            <th scope="col">Par</th>
          </tr>
        </thead>
        <tbody>
          {[...props.history].reverse().map((v) => (
            <tr>
              <td>{v.version}</td>
              <td>{frenchWhen(v.at)}</td>
              <td>{v.by?.name ?? 'inconnu'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
