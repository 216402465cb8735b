import { Marked, type Token, type Tokens } from 'marked';
import { frenchTypography } from '../domain/typography';
import { RenderError } from './render-error';

/**
 * The Markdown an author writes (paragraphs, lists, links, emphasis) rendered to e-mail-safe
 * HTML and to plain text from the same tokens. Raw HTML in the Markdown is shown as text,
 * never interpreted; links are kept only for http(s) and mailto; `javascript:`, `data:` and
 * `vbscript:` links are refused (they are an attack or a paste accident, never a real link).
 */
export interface MarkdownOptions {
  /** The release field the Markdown comes from, named in errors (`body`, `about.0.body`). */
  readonly field: string;
  /** The template being filled, named in errors. */
  readonly template: string;
  readonly linkColour: string;
}

const lexer = new Marked({ gfm: true, breaks: false });

export function lexMarkdown(source: string): Token[] {
  return lexer.lexer(source);
}

const htmlEscapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => htmlEscapes[c] ?? c);

const safeHref = /^(https?:\/\/|mailto:)/i;
const dangerousHref = /^(javascript|data|vbscript):/i;

/** Returns the href to keep, or undefined to render the label without a link. */
function checkHref(href: string, options: MarkdownOptions): string | undefined {
  const squeezed = href.replace(/&#0*58;?|&#x0*3a;?|&colon;?/gi, ':').replace(/[\s\u0000-\u001f]/g, '');
  if (dangerousHref.test(squeezed)) {
    throw new RenderError(
      `Lien refusé dans le champ « ${options.field} » : « ${href.slice(0, 80)} » (seuls les liens http(s) et mailto sont acceptés).`,
      { template: options.template, field: options.field },
    );
  }
  return safeHref.test(href.trim()) ? href.trim() : undefined;
}

const blockStyle = 'margin:0 0 16px 0';

export function markdownToHtml(tokens: readonly Token[], options: MarkdownOptions): string {
  return tokens.map((t) => blockHtml(t, options)).join('');
}

function blockHtml(token: Token, o: MarkdownOptions): string {
  switch (token.type) {
    case 'space':
      return '';
    case 'paragraph':
      return `<p style="${blockStyle}">${inlineHtml((token as Tokens.Paragraph).tokens, o)}</p>\n`;
    case 'heading': {
      const h = token as Tokens.Heading;
      const size = h.depth <= 2 ? 20 : 17;
      return `<h${Math.min(h.depth + 1, 6)} style="margin:24px 0 8px 0;font-size:${size}px;line-height:1.3">${inlineHtml(h.tokens, o)}</h${Math.min(h.depth + 1, 6)}>\n`;
    }
    case 'list': {
      const l = token as Tokens.List;
      const tag = l.ordered ? 'ol' : 'ul';
      const start = l.ordered && typeof l.start === 'number' && l.start !== 1 ? ` start="${l.start}"` : '';
      const items = l.items.map((item) => `<li style="margin:0 0 6px 0">${listItemHtml(item, o)}</li>`).join('\n');
      return `<${tag}${start} style="${blockStyle};padding:0 0 0 24px">\n${items}\n</${tag}>\n`;
    }
    case 'blockquote':
      return `<blockquote style="margin:0 0 16px 0;padding:0 0 0 16px;border-left:3px solid ${o.linkColour}">${markdownToHtml((token as Tokens.Blockquote).tokens, o)}</blockquote>\n`;
    case 'code':
      return `<pre style="${blockStyle};white-space:pre-wrap;font-family:Consolas,monospace;font-size:14px">${escapeHtml((token as Tokens.Code).text)}</pre>\n`;
    case 'hr':
      return '<hr style="border:0;border-top:1px solid #cccccc;margin:24px 0">\n';
    case 'html':
      // Raw HTML typed by the author is shown as text, never interpreted.
      return `<p style="${blockStyle}">${escapeHtml((token as Tokens.HTML).text)}</p>\n`;
    case 'table': {
      const t = token as Tokens.Table;
      const cell = (c: Tokens.TableCell, tag: 'th' | 'td') =>
        `<${tag} style="padding:4px 8px;border-bottom:1px solid #dddddd;text-align:${c.align ?? 'left'}">${inlineHtml(c.tokens, o)}</${tag}>`;
      const head = `<tr>${t.header.map((c) => cell(c, 'th')).join('')}</tr>`;
      const rows = t.rows.map((r) => `<tr>${r.map((c) => cell(c, 'td')).join('')}</tr>`).join('');
      return `<table role="presentation" style="${blockStyle};border-collapse:collapse">${head}${rows}</table>\n`;
    }
    case 'text': {
      const t = token as Tokens.Text;
      return `<p style="${blockStyle}">${t.tokens ? inlineHtml(t.tokens, o) : escapeHtml(frenchTypography(t.text))}</p>\n`;
    }
    default:
      return 'tokens' in token && Array.isArray(token.tokens)
        ? inlineHtml(token.tokens as Token[], o)
        : escapeHtml(frenchTypography(token.raw));
  }
}

function listItemHtml(item: Tokens.ListItem, o: MarkdownOptions): string {
  // Tight lists hold bare text tokens: keep them inline rather than wrapping them in <p>.
  return item.tokens
    .map((t) =>
      t.type === 'text'
        ? (t as Tokens.Text).tokens
          ? inlineHtml((t as Tokens.Text).tokens!, o)
          : escapeHtml(frenchTypography(t.raw))
        : blockHtml(t, o),
    )
    .join('');
}

function inlineHtml(tokens: readonly Token[], o: MarkdownOptions): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text': {
        const t = token as Tokens.Text;
        out += t.tokens ? inlineHtml(t.tokens, o) : escapeHtml(frenchTypography(t.text));
        break;
      }
      case 'escape':
        out += escapeHtml((token as Tokens.Escape).text);
        break;
      case 'strong':
        out += `<strong>${inlineHtml((token as Tokens.Strong).tokens, o)}</strong>`;
        break;
      case 'em':
        out += `<em>${inlineHtml((token as Tokens.Em).tokens, o)}</em>`;
        break;
      case 'del':
        out += `<del>${inlineHtml((token as Tokens.Del).tokens, o)}</del>`;
        break;
      case 'codespan':
        out += `<code style="font-family:Consolas,monospace">${escapeHtml((token as Tokens.Codespan).text)}</code>`;
        break;
      case 'br':
        out += '<br>';
        break;
      case 'link': {
        const l = token as Tokens.Link;
        const href = checkHref(l.href, o);
        const label = inlineHtml(l.tokens, o);
        out += href ? `<a href="${escapeHtml(href)}" style="color:${o.linkColour};text-decoration:underline">${label}</a>` : label;
        break;
      }
      case 'image': {
        const img = token as Tokens.Image;
        if (img.text.trim() === '') {
          throw new RenderError(`Image sans texte alternatif dans le champ « ${o.field} » : ${img.href.slice(0, 80)}`, {
            template: o.template,
            field: o.field,
          });
        }
        const href = checkHref(img.href, o);
        out +=
          href && !/^mailto:/i.test(href)
            ? `<img src="${escapeHtml(href)}" alt="${escapeHtml(img.text)}" style="max-width:100%;height:auto;border:0">`
            : escapeHtml(img.text);
        break;
      }
      case 'html':
        out += escapeHtml((token as Tokens.HTML).text);
        break;
      default:
        out += escapeHtml(frenchTypography(token.raw));
    }
  }
  return out;
}

/** Plain text from the same tokens: lists with bullets, links as "label (url)". */
export function markdownToText(tokens: readonly Token[], options: MarkdownOptions, indent = ''): string {
  return tokens
    .map((t) => blockText(t, options, indent))
    .filter((s) => s !== '')
    .join('\n\n');
}

function blockText(token: Token, o: MarkdownOptions, indent: string): string {
  switch (token.type) {
    case 'space':
      return '';
    case 'paragraph':
      return indent + inlineText((token as Tokens.Paragraph).tokens, o);
    case 'heading': {
      const text = inlineText((token as Tokens.Heading).tokens, o);
      return `${indent}${text}\n${indent}${'-'.repeat(Math.min(text.length, 72))}`;
    }
    case 'list': {
      const l = token as Tokens.List;
      const first = typeof l.start === 'number' ? l.start : 1;
      return l.items
        .map((item, i) => {
          const bullet = l.ordered ? `${first + i}. ` : '• ';
          const inner = item.tokens
            .map((t) =>
              t.type === 'text'
                ? (t as Tokens.Text).tokens
                  ? inlineText((t as Tokens.Text).tokens!, o)
                  : frenchTypography(t.raw)
                : blockText(t, o, `${indent}  `).trimStart(),
            )
            .filter((s) => s !== '')
            .join('\n');
          return `${indent}${bullet}${inner}`;
        })
        .join('\n');
    }
    case 'blockquote':
      return markdownToText((token as Tokens.Blockquote).tokens, o, `${indent}> `);
    case 'code':
      return (token as Tokens.Code).text
        .split('\n')
        .map((line) => `${indent}    ${line}`)
        .join('\n');
    case 'hr':
      return `${indent}----`;
    case 'html':
      return indent + (token as Tokens.HTML).text.trim();
    case 'table': {
      const t = token as Tokens.Table;
      const row = (cells: Tokens.TableCell[]) => indent + cells.map((c) => inlineText(c.tokens, o)).join(' | ');
      return [row(t.header), ...t.rows.map(row)].join('\n');
    }
    case 'text': {
      const t = token as Tokens.Text;
      return indent + (t.tokens ? inlineText(t.tokens, o) : frenchTypography(t.text));
    }
    default:
      return indent + frenchTypography(token.raw);
  }
}

function inlineText(tokens: readonly Token[], o: MarkdownOptions): string {
  let out = '';
  for (const token of tokens) {
    switch (token.type) {
      case 'text': {
        const t = token as Tokens.Text;
        out += t.tokens ? inlineText(t.tokens, o) : frenchTypography(t.text);
        break;
      }
      case 'escape':
        out += (token as Tokens.Escape).text;
        break;
      case 'strong':
      case 'em':
      case 'del':
        out += inlineText((token as Tokens.Strong).tokens, o);
        break;
      case 'codespan':
        out += (token as Tokens.Codespan).text;
        break;
      case 'br':
        out += '\n';
        break;
      case 'link': {
        const l = token as Tokens.Link;
        const href = checkHref(l.href, o);
        const label = inlineText(l.tokens, o);
        const shown = href?.replace(/^mailto:/i, '');
        out += href === undefined || shown === label ? label : `${label} (${shown})`;
        break;
      }
      case 'image': {
        const img = token as Tokens.Image;
        if (img.text.trim() === '') {
          throw new RenderError(`Image sans texte alternatif dans le champ « ${o.field} » : ${img.href.slice(0, 80)}`, {
            template: o.template,
            field: o.field,
          });
        }
        out += `[${img.text}]`;
        break;
      }
      case 'html':
        out += (token as Tokens.HTML).text;
        break;
      default:
        out += frenchTypography(token.raw);
    }
  }
  return out;
}
