import JSZip from 'jszip';
import { isMediaFilename, isMediaId } from '../domain/media';
import { frenchTypography } from '../domain/typography';
import { subjectOf } from '../render/subject';
import type { AppDeps } from './deps';
import { getPublicRelease } from './newsroom';

/** The library file a URL of this app points to, if it does (`<base>/media/<id>/<filename>`). */
export function libraryFileOf(base: string, url: string): { id: string; filename: string } | undefined {
  const prefix = `${base.replace(/\/$/, '')}/media/`;
  if (!url.startsWith(prefix)) return undefined;
  const [id, filename, ...rest] = url.slice(prefix.length).split('/');
  if (rest.length > 0 || !id || !filename || !isMediaId(id) || !isMediaFilename(filename)) return undefined;
  return { id, filename };
}

/** The library files of a public release: its images and attachments that live in the library. */
export async function pressKitEntries(deps: Pick<AppDeps, 'store' | 'clock' | 'publicBaseUrl'>, releaseId: string) {
  const release = await getPublicRelease(deps, releaseId);
  const c = release.content;
  const urls = [
    ...c.images.map((i) => ({ url: i.url, note: [i.alt, i.credit].filter(Boolean).join(' — ') })),
    ...c.attachments.map((a) => ({ url: a.url, note: a.label })),
  ];
  const files = urls.flatMap((u) => {
    const file = libraryFileOf(deps.publicBaseUrl, u.url);
    return file ? [{ ...file, note: u.note }] : [];
  });
  const seen = new Set<string>();
  return { release, files: files.filter((f) => !seen.has(f.id) && seen.add(f.id)) };
}

/**
 * The press kit: one zip of a public release's library files (images and attachments), with a
 * text file giving the title, the page's address and each file's alt text or label and credit.
 * Undefined when the release has no library file.
 */
export async function buildPressKit(
  deps: Pick<AppDeps, 'store' | 'clock' | 'publicBaseUrl' | 'media'>,
  releaseId: string,
): Promise<{ filename: string; zip: Uint8Array } | undefined> {
  const { release, files } = await pressKitEntries(deps, releaseId);
  if (files.length === 0) return undefined;
  const zip = new JSZip();
  const lines = [frenchTypography(subjectOf(release.content)), `${deps.publicBaseUrl}/releases/${release.id}`, ''];
  const names = new Set<string>();
  for (const f of files) {
    const bytes = await deps.media.readMedia(f.id);
    if (!bytes) continue;
    // Two files may share a name in the library: the later one gets its id in front.
    const name = names.has(f.filename) ? `${f.id}-${f.filename}` : f.filename;
    names.add(name);
    zip.file(name, bytes, { binary: true, date: new Date(release.updatedAt) });
    lines.push(`${name} : ${f.note}`);
  }
  zip.file('lisez-moi.txt', `${lines.join('\r\n')}\r\n`, { date: new Date(release.updatedAt) });
  return {
    filename: `dossier-de-presse-${release.id}.zip`,
    zip: await zip.generateAsync({ type: 'uint8array', compression: 'DEFLATE', compressionOptions: { level: 6 } }),
  };
}
