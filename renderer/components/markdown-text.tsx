/**
 * A response or query rendered as Markdown, safely: raw HTML is never rendered (no rehype-raw),
 * links open outside the app, remote images are shown as their alt text (the CSP allows only the
 * studio's own images, and a response must not make the app fetch URLs). Code blocks with a
 * language are highlighted; auto-detection is off because it costs milliseconds per block on
 * every item change.
 *
 * One item must never blank the app: react-markdown's parser and renderer recurse once per nesting
 * level, so a 3 KB response of 3,000 `>` overflows the stack. Text nested deeper than
 * MAX_MARKDOWN_NESTING is shown as plain text without being parsed, and anything else that throws
 * while rendering (deep emphasis runs, a parser bug) is caught by an error boundary that shows the
 * same plain text. Either way the annotator still sees every character and can judge the item.
 */
import { Component, memo, type ReactNode } from 'react';
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

/**
 * Deeper than any real answer nests quotes or lists, far shallower than the ~3,000 levels where the
 * parser overflows (1,000 `>` still renders, in seconds).
 */
export const MAX_MARKDOWN_NESTING = 32;

/** Block containers at a line's start: `>` (no space needed) or a list marker followed by a space. */
const CONTAINER_PREFIX = /^(?:[ \t]*(?:>|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)))+/;
const CONTAINER_MARKER = />|[-*+](?=[ \t]|$)|\d{1,9}[.)](?=[ \t]|$)/g;

/**
 * The deepest blockquote/list nesting any line opens, counted without parsing. It may over-count
 * (`- - -` is a rule, not three lists), which only means harmless text is shown plain.
 */
export function markdownNestingDepth(text: string): number {
  let deepest = 0;
  for (const line of text.split('\n')) {
    const prefix = CONTAINER_PREFIX.exec(line)?.[0];
    if (!prefix) continue;
    deepest = Math.max(deepest, prefix.match(CONTAINER_MARKER)?.length ?? 0);
  }
  return deepest;
}

export const PLAIN_TEXT_NOTE = 'shown as plain text: it could not be rendered as Markdown';

/** The text exactly as written, preformatted, with a note saying why it is not formatted. */
export function PlainTextFallback({ text }: { text: string }) {
  return (
    <div className="markdown-fallback" data-testid="markdown-fallback">
      <pre className="markdown-fallback-text">{text}</pre>
      <p className="markdown-fallback-note">{PLAIN_TEXT_NOTE}</p>
    </div>
  );
}

interface BoundaryProps {
  text: string;
  children: ReactNode;
}

interface BoundaryState {
  failed: boolean;
  /** The text the current `failed` is about. */
  text: string;
}

/**
 * Catches a render that throws and shows the text plain instead; without it React unmounts the
 * whole app, and a reload lands on the same item. A new text (the next item) resets it, so that
 * item gets Markdown again without remounting.
 */
class MarkdownErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { failed: false, text: this.props.text };

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    return props.text === state.text ? null : { failed: false, text: props.text };
  }

  static getDerivedStateFromError(): Partial<BoundaryState> {
    return { failed: true };
  }

  override render(): ReactNode {
    return this.state.failed ? <PlainTextFallback text={this.props.text} /> : this.props.children;
  }
}

export const MarkdownText = memo(function MarkdownText({ text, className }: { text: string; className?: string }) {
  const tooDeep = markdownNestingDepth(text) > MAX_MARKDOWN_NESTING;
  return (
    <div className={className ? `markdown ${className}` : 'markdown'}>
      {tooDeep ? (
        <PlainTextFallback text={text} />
      ) : (
        <MarkdownErrorBoundary text={text}>
          <Markdown remarkPlugins={REMARK_PLUGINS} rehypePlugins={REHYPE_PLUGINS} components={COMPONENTS}>
            {text}
          </Markdown>
        </MarkdownErrorBoundary>
      )}
    </div>
  );
});
