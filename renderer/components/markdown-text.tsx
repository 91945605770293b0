/**
 * A response or query rendered as Markdown, safely: raw HTML is never rendered (no rehype-raw),
 * links open outside the app, remote images are shown as their alt text (the CSP allows only the
 * studio's own images, and a response must not make the app fetch URLs). Code blocks with a
 * language are highlighted; auto-detection is off because it costs milliseconds per block on
 * every item change.
 */
import { memo } from 'react';
import Markdown, { type Components } from 'react-markdown';
import rehypeHighlight from 'rehype-highlight';
import remarkGfm from 'remark-gfm';

interface MarkdownNode {
  type: string;
  value?: string;
  children?: MarkdownNode[];
}

/**
 * Raw HTML in a response is shown as the literal text it is (`<b>hi</b>`), not dropped: an
 * annotator judging a response must see everything it says, and nothing of it is ever rendered.
 */
function remarkHtmlAsText() {
  function walk(node: MarkdownNode): void {
    if (node.type === 'html') node.type = 'text';
    node.children?.forEach(walk);
  }
  return (tree: MarkdownNode) => walk(tree);
}

const REMARK_PLUGINS = [remarkGfm, remarkHtmlAsText];
const REHYPE_PLUGINS: NonNullable<Parameters<typeof Markdown>[0]['rehypePlugins']> = [[rehypeHighlight, { detect: false }]];

const COMPONENTS: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
  img: ({ alt, src }) => (
    <span className="md-image" title={typeof src === 'string' ? src : undefined}>
      [image{alt ? `: ${alt}` : ''}]
    </span>
  ),
};

export const MarkdownText = memo(function MarkdownText({ text, className }: { text: string; className?: string }) {
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      <Markdown remarkPlugins={REMARK_PLUGINS} rehypePlugins={REHYPE_PLUGINS} components={COMPONENTS}>
        {text}
      </Markdown>
    </div>
  );
});
