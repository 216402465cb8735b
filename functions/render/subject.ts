import type { ReleaseContent } from '../domain/release';
import { frenchTypography } from '../domain/typography';

/**
 * A release's subject line: one line, French typography, no render markers. Kept apart from
 * compile-release.ts so the public pages can use it without pulling MJML into a bundle.
 */
export function subjectOf(content: Pick<ReleaseContent, 'title'>): string {
  return frenchTypography(
    content.title
      .replace(/[\r\n]+/g, ' ')
      .replace(/[\uE000-\uE004]/g, '')
      .trim(),
  );
}
