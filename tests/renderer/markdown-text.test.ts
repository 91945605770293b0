/**
 * One hostile response must not blank the app: react-markdown recurses once per nesting level and a
 * 3 KB response of 3,000 `>` overflows the stack. Rendered here with react-dom/server, which (like
 * the browser without an error boundary) throws what the component throws. The error boundary
 * itself only acts in a live React tree; tests/e2e/hostile-markdown.e2e.ts checks it in Chromium.
 */
import { createElement } from 'react';
import { renderToString } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MAX_MARKDOWN_NESTING, MarkdownText, PLAIN_TEXT_NOTE, markdownNestingDepth } from '../../renderer/components/markdown-text';

const render = (text: string) => renderToString(createElement(MarkdownText, { text }));

describe('MarkdownText with hostile nesting', () => {
  it('3,000 `>` renders as plain text with the note instead of overflowing the stack', () => {
    const html = render('>'.repeat(3000));
    expect(html).toContain(PLAIN_TEXT_NOTE);
    expect(html).toContain('&gt;'.repeat(3000));
    expect(html).not.toContain('<blockquote');
  });

  it('deep ordered lists and quote/list mixes are plain text too', () => {
    expect(render('1. '.repeat(2000))).toContain(PLAIN_TEXT_NOTE);
    expect(render('> - '.repeat(1500))).toContain(PLAIN_TEXT_NOTE);
  });

  it('ordinary Markdown, including a few nested quotes and lists, is still Markdown', () => {
    const html = render('> quoted\n>> twice\n\n- a\n  - b\n    1. c\n\n**bold**');
    expect(html).toContain('<blockquote');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).not.toContain(PLAIN_TEXT_NOTE);
  });

  it('counts nesting at line starts only, without parsing', () => {
    expect(markdownNestingDepth('plain text > not a quote')).toBe(0);
    expect(markdownNestingDepth('> a\n>>> b')).toBe(3);
    expect(markdownNestingDepth('> - 1. x')).toBe(3);
    expect(markdownNestingDepth('-not a list')).toBe(0);
    expect(markdownNestingDepth('>'.repeat(MAX_MARKDOWN_NESTING))).toBe(MAX_MARKDOWN_NESTING);
    expect(render('>'.repeat(MAX_MARKDOWN_NESTING) + ' deep but fine')).toContain('<blockquote');
  });
});
