import MarkdownIt from 'markdown-it';

// Raw HTML in the model's text is shown as text, never parsed (html: false), and markdown-it's link
// check refuses javascript: and other script URLs: what it renders is safe to insert.
const markdown = new MarkdownIt({ html: false, linkify: true, breaks: true });
const renderLinkOpen =
  markdown.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
markdown.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('target', '_blank');
  tokens[idx]!.attrSet('rel', 'noopener noreferrer');
  return renderLinkOpen(tokens, idx, options, env, self);
};

/** Markdown text (paragraphs, lists, tables, code blocks) rendered without any HTML of its own. */
export function Markdown({ text }: { text: string }) {
  // Safe to insert: markdown-it escapes all HTML (html: false).
  return <div class="markdown" dangerouslySetInnerHTML={{ __html: markdown.render(text).trimEnd() }} />;
}
