/**
 * Splits a text into parts of at most `maxBytes` UTF-8 bytes (WeChat counts message sizes in bytes),
 * preferring to cut after a paragraph, then a line, then a space, and never inside a character.
 */
export function splitIntoParts(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  let rest = text;
  while (Buffer.byteLength(rest) > maxBytes) {
    const cut = cutPoint(rest, maxBytes);
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest.trim() !== '' || parts.length === 0) parts.push(rest);
  return parts;
}

function cutPoint(text: string, maxBytes: number): number {
  // The longest prefix that fits, counted in whole code points.
  let fits = 0;
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    fits += char.length;
  }
  const head = text.slice(0, fits);
  for (const separator of ['\n\n', '\n', ' ']) {
    const at = head.lastIndexOf(separator);
    if (at > fits / 2) return at + separator.length;
  }
  return fits;
}
