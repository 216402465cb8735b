/** Small files whose first bytes are what each type starts with (the library reads types from content). */
export const pngBytes = new Uint8Array(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
);
export const jpegBytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
export const gifBytes = new Uint8Array(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'));
export const webpBytes = new Uint8Array(Buffer.from('RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00', 'latin1'));
export const pdfBytes = new Uint8Array(Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1'));
/** Text dressed as a photo: named .jpg, sent as image/jpeg, but its bytes say otherwise. */
export const textBytes = new Uint8Array(Buffer.from('Ceci n’est pas une image.\n', 'utf8'));
