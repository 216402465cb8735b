import type { Token } from 'marked';
import type { Brand } from '../domain/brand';
import { formatDateline, formatFrenchInstant, formatFrenchLongDate, formatFrenchTime, yearIn } from '../domain/french-dates';
import type { ReleaseContent } from '../domain/release';
import { frenchTypography } from '../domain/typography';
import type { RecipientVars } from './compiled-mail';
import { lexMarkdown, markdownToHtml, markdownToText } from './markdown';
import { markField, stripPrivateMarkers } from './template-set';

/**
 * What templates see: every text already cleaned and set in French typography, optional
 * fields present as null (so Handlebars strict mode catches a misspelt variable), Markdown
 * already turned into HTML and text. Templates stay dumb; the rules live here, in code.
 */
export interface ViewModelInput {
  readonly content: ReleaseContent;
  readonly brand: Brand;
  readonly coBrands: readonly Brand[];
  readonly now: Date;
  /** null on the web version itself. */
  readonly webVersionUrl: string | null;
  /** Where the event's .ics can be downloaded, if it is published. */
  readonly calendarUrl: string | null;
  /** Per-recipient sentinels (mail) or null (web page). */
  readonly recipient: { [K in keyof RecipientVars]-?: string } | null;
  /** Wrap user values in field markers (for the MJML pass only). */
  readonly track: boolean;
  /** Template named in Markdown errors. */
  readonly template: string;
}

const kindLabels = { 'press-release': 'Communiqué de presse', 'event-announcement': 'Annonce d’événement' } as const;
const announcementLabels = {
  'save-the-date': 'Réservez la date',
  invitation: 'Invitation',
  reminder: 'Rappel',
  'day-of': 'C’est aujourd’hui',
  'thank-you': 'Merci',
} as const;
const attachmentLabels = { photo: 'Photo', pdf: 'PDF', document: 'Document', other: 'Fichier' } as const;

export type ViewModel = ReturnType<typeof buildViewModel>;

export function buildViewModel(input: ViewModelInput) {
  const { content, brand, coBrands, track } = input;
  /** User text: private-use markers removed, French typography, field marker when tracking. */
  const t = (field: string, value: string | undefined | null): string | null => {
    if (value === undefined || value === null || value.trim() === '') return null;
    const clean = frenchTypography(stripPrivateMarkers(value.trim()));
    return track ? markField(field, clean) : clean;
  };
  /** User value taken as is (URLs, e-mail addresses, phone numbers). */
  const raw = (field: string, value: string | undefined | null): string | null => {
    if (value === undefined || value === null || value.trim() === '') return null;
    const clean = stripPrivateMarkers(value.trim());
    return track ? markField(field, clean) : clean;
  };
  const rawReq = (field: string, value: string) => raw(field, value) ?? '';
  const tReq = (field: string, value: string) => t(field, value) ?? '';
  const md = (field: string, source: string) => {
    const tokens = lexMarkdown(stripPrivateMarkers(source));
    return markdownPair(field, tokens);
  };
  const markdownPair = (field: string, tokens: Token[]) => {
    const options = { field, template: input.template, linkColour: linkColourOf(brand) };
    const html = markdownToHtml(tokens, options);
    const text = markdownToText(tokens, options);
    return { html: track ? markField(field, html) : html, text };
  };

  const plainTitle = frenchTypography(stripPrivateMarkers(content.title.trim()));
  const preheaderSource = content.subtitle ?? content.lead ?? firstSentence(content.body);

  const event = content.event;
  const eventDate = event ? event.start.slice(0, 10) : null;
  const endDate = event?.end?.slice(0, 10) ?? null;
  const embargo = content.embargoUntil ? new Date(content.embargoUntil) : null;

  const pressContacts = content.pressContacts.length > 0 ? content.pressContacts : brand.pressContacts;
  const contactPrefix = content.pressContacts.length > 0 ? 'pressContacts' : 'brand.pressContacts';
  const about = content.about.length > 0 ? content.about : brand.boilerplate;
  const aboutPrefix = content.about.length > 0 ? 'about' : 'brand.boilerplate';
  const socialLinks = content.socialLinks.length > 0 ? content.socialLinks : brand.socialLinks;
  const socialPrefix = content.socialLinks.length > 0 ? 'socialLinks' : 'brand.socialLinks';

  return {
    lang: (content.language.split('-')[0] ?? 'fr').toLowerCase(),
    isWeb: input.recipient === null,
    kindLabel: kindLabels[content.kind],
    announcementLabel: content.announcementType ? announcementLabels[content.announcementType] : null,
    /** Head <title> and subject: plain, single line. */
    plainTitle,
    title: tReq('title', content.title),
    subtitle: t('subtitle', content.subtitle),
    lead: t('lead', content.lead),
    preheader: preheaderSource
      ? truncate(frenchTypography(stripPrivateMarkers(preheaderSource.replace(/\s+/g, ' ').trim())), 150)
      : plainTitle,
    dateline: content.dateline ? t('dateline', formatDateline(content.dateline.city, content.dateline.date)) : null,
    embargo: embargo && embargo.getTime() > input.now.getTime() ? `Sous embargo jusqu’au ${formatFrenchInstant(embargo)}` : null,
    brand: brandView(brand, 'brand'),
    coBrands: coBrands.map((b, i) => brandView(b, `coBrands.${i}`)),
    hasCoBrands: coBrands.length > 0,
    organisations: frenchTypography([brand, ...coBrands].map((b) => b.name).join(' et ')),
    body: bodyBlocks(content, markdownPair, t),
    images: content.images.map((img, i) => ({
      url: rawReq(`images.${i}.url`, img.url),
      alt: tReq(`images.${i}.alt`, img.alt),
      caption: t(`images.${i}.caption`, img.caption),
      credit: t(`images.${i}.credit`, img.credit),
    })),
    links: content.links.map((l, i) => ({ label: tReq(`links.${i}.label`, l.label), url: rawReq(`links.${i}.url`, l.url) })),
    attachments: content.attachments.map((a, i) => ({
      label: tReq(`attachments.${i}.label`, a.label),
      url: rawReq(`attachments.${i}.url`, a.url),
      kindLabel: attachmentLabels[a.kind],
    })),
    hasResources: content.links.length + content.attachments.length > 0,
    event: event
      ? {
          name: tReq('event.name', event.name),
          edition: t('event.edition', event.edition),
          theme: t('event.theme', event.theme),
          dateText: formatFrenchLongDate(eventDate!),
          endDateText: endDate && endDate !== eventDate ? formatFrenchLongDate(endDate) : null,
          timeText: timeRange(event.start, event.end, endDate === null || endDate === eventDate),
          venueName: tReq('event.venue.name', event.venue.name),
          venueAddress: t('event.venue.address', event.venue.address),
          mapUrl: raw('event.venue.mapUrl', event.venue.mapUrl),
          registrationUrl: raw('event.registrationUrl', event.registrationUrl),
          programme: event.programme.map((p, i) => ({
            time: p.time ? t(`event.programme.${i}.time`, p.time) : null,
            title: tReq(`event.programme.${i}.title`, p.title),
            speaker: t(`event.programme.${i}.speaker`, p.speaker),
          })),
          hasProgramme: event.programme.length > 0,
          speakers: event.speakers.map((s, i) => ({
            name: tReq(`event.speakers.${i}.name`, s.name),
            title: t(`event.speakers.${i}.title`, s.title),
          })),
          hasSpeakers: event.speakers.length > 0,
          organiserContacts: event.organiserContacts.map((c, i) => ({
            organisation: tReq(`event.organiserContacts.${i}.organisation`, c.organisation),
            label: t(`event.organiserContacts.${i}.label`, c.label),
            email: rawReq(`event.organiserContacts.${i}.email`, c.email),
          })),
          hasOrganiserContacts: event.organiserContacts.length > 0,
          calendarUrl: input.calendarUrl,
        }
      : null,
    about: about.map((a, i) => ({ title: tReq(`${aboutPrefix}.${i}.title`, a.title), ...md(`${aboutPrefix}.${i}.body`, a.body) })),
    pressContacts: pressContacts.map((c, i) => ({
      name: tReq(`${contactPrefix}.${i}.name`, c.name),
      role: t(`${contactPrefix}.${i}.role`, c.role),
      organisation: t(`${contactPrefix}.${i}.organisation`, c.organisation),
      email: raw(`${contactPrefix}.${i}.email`, c.email),
      phone: c.phone ? raw(`${contactPrefix}.${i}.phone`, c.phone.replace(/ /g, '\u00A0')) : null,
      phoneHref: c.phone ? `tel:${c.phone.replace(/[^\d+]/g, '')}` : null,
    })),
    socialLinks: socialLinks.map((s, i) => ({
      label: tReq(`${socialPrefix}.${i}.label`, s.label),
      url: rawReq(`${socialPrefix}.${i}.url`, s.url),
    })),
    webVersionUrl: input.webVersionUrl,
    recipient: input.recipient,
    year: yearIn(input.now),
  };

  function brandView(b: Brand, prefix: string) {
    return {
      name: tReq(`${prefix}.name`, b.name),
      logo: b.logo ? { url: rawReq(`${prefix}.logo.url`, b.logo.url), alt: tReq(`${prefix}.logo.alt`, b.logo.alt) } : null,
      websiteUrl: raw(`${prefix}.websiteUrl`, b.websiteUrl),
      postalAddress: t(`${prefix}.postalAddress`, b.postalAddress),
      footerLines: b.footer
        .split(/\r?\n/)
        .map((line) => t(`${prefix}.footer`, line))
        .filter((l): l is string => l !== null),
      primary: rawReq(`${prefix}.colours.primary`, b.colours.primary),
      accent: rawReq(`${prefix}.colours.accent`, b.colours.accent ?? b.colours.primary),
      text: rawReq(`${prefix}.colours.text`, b.colours.text),
      onPrimary: readableOn(b.colours.primary),
    };
  }
}

function bodyBlocks(
  content: ReleaseContent,
  markdownPair: (field: string, tokens: Token[]) => { html: string; text: string },
  t: (field: string, value: string | undefined | null) => string | null,
) {
  type Block = { isQuote: false; html: string; text: string } | { isQuote: true; text: string; author: string; role: string | null };
  const tokens = lexMarkdown(stripPrivateMarkers(content.body));
  // Quotes are placed after the body paragraph they name (0-based), or at the end.
  const placed = content.quotes.map((q, i) => ({ q, i, after: q.afterParagraph ?? Number.POSITIVE_INFINITY }));
  const blocks: Block[] = [];
  let chunk: Token[] = [];
  let paragraph = -1;
  const flush = () => {
    if (chunk.some((tok) => tok.type !== 'space')) blocks.push({ isQuote: false, ...markdownPair('body', chunk) });
    chunk = [];
  };
  const quoteBlock = ({ q, i }: { q: ReleaseContent['quotes'][number]; i: number }): Block => ({
    isQuote: true,
    text: t(`quotes.${i}.text`, stripQuoteMarks(q.text)) ?? '',
    author: t(`quotes.${i}.author`, q.author) ?? '',
    role: t(`quotes.${i}.role`, q.role),
  });
  for (const token of tokens) {
    chunk.push(token);
    if (token.type === 'paragraph') {
      paragraph += 1;
      const here = placed.filter((p) => p.after === paragraph);
      if (here.length > 0) {
        flush();
        blocks.push(...here.map(quoteBlock));
      }
    }
  }
  flush();
  blocks.push(...placed.filter((p) => p.after > paragraph).map(quoteBlock));
  return blocks;
}

/** The templates add « » themselves; authors often paste them in too. */
const stripQuoteMarks = (s: string) =>
  s
    .trim()
    .replace(/^[«"“]\s*/u, '')
    .replace(/\s*[»"”]$/u, '');

function timeRange(start: string, end: string | undefined, sameDay: boolean): string | null {
  const startTime = formatFrenchTime(start);
  if (!end) return `à partir de ${startTime}`;
  return sameDay ? `de ${startTime} à ${formatFrenchTime(end)}` : `à partir de ${startTime}`;
}

function firstSentence(markdown: string): string | null {
  const text = markdown
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*_`#>]/g, '')
    .trim();
  if (text === '') return null;
  return /^(.*?[.!?])(\s|$)/su.exec(text)?.[1] ?? text;
}

function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), max / 2))}…`;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** White or near-black, whichever reads better on the brand colour (WCAG contrast). */
export function readableOn(background: string): string {
  return contrastRatio(background, '#ffffff') >= contrastRatio(background, '#1a1a1a') ? '#ffffff' : '#1a1a1a';
}

/** The brand colour for links on white, or a dark fallback when it would be unreadable (< 4.5:1). */
export function linkColourOf(brand: Brand): string {
  return contrastRatio(brand.colours.primary, '#ffffff') >= 4.5 ? brand.colours.primary : '#1a1a1a';
}
