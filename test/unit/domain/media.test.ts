import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../functions/domain/errors';
import {
  checkMediaUpload,
  detectMediaType,
  formatBytes,
  MEDIA_MAX_BYTES,
  MediaTooLargeError,
  mediaUrl,
  newMediaId,
  safeFilename,
} from '../../../functions/domain/media';
import { gifBytes, jpegBytes, pdfBytes, pngBytes, textBytes, webpBytes } from '../../support/media-samples';

describe('detectMediaType', () => {
  it('reads JPEG, PNG, GIF, WebP and PDF from their first bytes', () => {
    expect(detectMediaType(jpegBytes)?.contentType).toBe('image/jpeg');
    expect(detectMediaType(pngBytes)?.contentType).toBe('image/png');
    expect(detectMediaType(gifBytes)?.contentType).toBe('image/gif');
    expect(detectMediaType(webpBytes)?.contentType).toBe('image/webp');
    expect(detectMediaType(pdfBytes)).toEqual({ contentType: 'application/pdf', extension: 'pdf', kind: 'document' });
  });

  it('knows nothing else: text, SVG, HTML and a RIFF that is not WebP are unknown', () => {
    expect(detectMediaType(textBytes)).toBeUndefined();
    expect(detectMediaType(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeUndefined();
    expect(detectMediaType(new TextEncoder().encode('<!doctype html><script>alert(1)</script>'))).toBeUndefined();
    expect(detectMediaType(new TextEncoder().encode('RIFF\x00\x00\x00\x00WAVEfmt '))).toBeUndefined();
    expect(detectMediaType(new Uint8Array([0xff, 0xd8]))).toBeUndefined();
  });
});

describe('checkMediaUpload', () => {
  it('refuses a text file named like a photo, with a French message', () => {
    expect(() => checkMediaUpload({ bytes: textBytes, originalName: 'photo.jpg', alt: 'Une photo' })).toThrow(/Type de fichier refusé/);
  });

  it('refuses a file over 10 MB, saying the limit in French', () => {
    const big = new Uint8Array(MEDIA_MAX_BYTES + 1);
    big.set(pdfBytes);
    const attempt = () => checkMediaUpload({ bytes: big, originalName: 'dossier.pdf' });
    expect(attempt).toThrow(MediaTooLargeError);
    expect(attempt).toThrow(/au plus 10 Mo/);
  });

  it('takes exactly 10 MB', () => {
    const limit = new Uint8Array(MEDIA_MAX_BYTES);
    limit.set(pdfBytes);
    expect(checkMediaUpload({ bytes: limit, originalName: 'dossier.pdf' }).kind).toBe('document');
  });

  it('requires alt text for an image, not for a PDF', () => {
    try {
      checkMediaUpload({ bytes: pngBytes, originalName: 'affiche.png', alt: '  ' });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('alt');
      expect((e as Error).message).toMatch(/Texte alternatif obligatoire/);
    }
    expect(checkMediaUpload({ bytes: pdfBytes, originalName: 'dossier.pdf' }).contentType).toBe('application/pdf');
  });
});

describe('names and URLs', () => {
  it('makes a safe file name with the extension of the content', () => {
    expect(safeFilename('Affiche Été 2026 (v2).JPEG', { contentType: 'image/png', extension: 'png', kind: 'image' })).toBe(
      'affiche-ete-2026-v2.png',
    );
    expect(safeFilename('../../etc/passwd', { contentType: 'application/pdf', extension: 'pdf', kind: 'document' })).toBe('passwd.pdf');
    expect(safeFilename('¤¤¤', { contentType: 'application/pdf', extension: 'pdf', kind: 'document' })).toBe('fichier.pdf');
  });

  it('gives ids that sort by upload time', () => {
    const a = newMediaId(new Date('2026-03-06T09:00:00Z'), 'ZZZ-999');
    const b = newMediaId(new Date('2026-03-06T09:00:01Z'), 'aaa-000');
    expect(a).toBe('20260306t090000-zzz999');
    expect(a < b).toBe(true);
    expect(mediaUrl('https://x.example/', { id: a, filename: 'p.png' })).toBe(`https://x.example/media/${a}/p.png`);
  });

  it('writes sizes as the French read them', () => {
    expect(formatBytes(MEDIA_MAX_BYTES)).toBe('10 Mo');
    expect(formatBytes(2048)).toBe('2 ko');
  });
});
