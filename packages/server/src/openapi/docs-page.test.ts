import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { docsPage } from './docs-page.js';

const between = (text: string, open: string, close: string) =>
  text.slice(text.indexOf(open) + open.length, text.indexOf(close));
const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('docs page', () => {
  it('holds a script that parses, and a CSP that lets exactly that script and style run', () => {
    const script = between(docsPage.html, '<script>', '</script>');
    const style = between(docsPage.html, '<style>', '</style>');
    expect(() => new Function(script)).not.toThrow();
    expect(docsPage.contentSecurityPolicy).toContain(`script-src ${hashOf(script)}`);
    expect(docsPage.contentSecurityPolicy).toContain(`style-src ${hashOf(style)}`);
    expect(docsPage.contentSecurityPolicy).toContain("connect-src 'self'");
    expect(docsPage.html).not.toMatch(/\sstyle="/);
  });
});
