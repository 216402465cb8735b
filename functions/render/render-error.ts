/**
 * A release that cannot be rendered. The message is French and names the template, the line
 * and, when known, the release field (`title`, `event.venue.name`, `brand.colours.primary`…),
 * so the press attaché or the template author knows what to fix. Nothing is half-rendered:
 * when this is thrown, no mail exists.
 */
export class RenderError extends Error {
  override readonly name = 'RenderError';
  readonly template: string;
  readonly line?: number;
  readonly field?: string;

  constructor(message: string, where: { template: string; line?: number; field?: string; cause?: unknown }) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.template = where.template;
    if (where.line !== undefined) this.line = where.line;
    if (where.field !== undefined) this.field = where.field;
  }
}

/** "gabarit « mail/press-release.mjml.hbs », ligne 12, champ « title »" */
export function describeLocation(where: { template: string; line?: number; field?: string }): string {
  return [
    `gabarit « ${where.template} »`,
    where.line === undefined ? undefined : `ligne ${where.line}`,
    where.field === undefined ? undefined : `champ « ${where.field} »`,
  ]
    .filter((s) => s !== undefined)
    .join(', ');
}
