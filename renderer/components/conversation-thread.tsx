/**
 * An item's prompt as a thread: the system prompt set apart, each turn labelled by its role,
 * tool calls and results as compact monospace blocks, images inline where they stand, text as
 * Markdown (rendered the way response cards render it). Earlier turns fold into one
 * "N earlier turns" line when there are more than two; the last user turn is always shown.
 *
 * `bounded` (Annotate) fills a fixed box: the last user turn sits at its bottom, right above the
 * responses; the earlier turns stack above it and scroll in their own area, starting from the most
 * recent one (as a chat does), so the layout never depends on the conversation's length.
 * Used by Annotate, Items' item detail and Compare's item panel.
 */
import { useEffect, useMemo, useState } from 'react';
import { useStudioClient } from '../client/client-context';
import { afterNextPaint } from './after-next-paint';
import { earlierCountText, earlierFoldable, earlierSummary, roleLabel, threadOf, toolCallsOf, toolResultText, turnText, type Turn, type TurnPart } from './conversation';
import { MarkdownText } from './markdown-text';
import type { ImageRef, PromptMessage } from '../client/contract-types';
import '../styles/conversation.css';

export interface ConversationThreadProps {
  query: string;
  prompt: PromptMessage[] | null;
  images: ImageRef[];
  /** Earlier turns unfolded; omitted = the thread keeps its own state (starts folded). */
  expanded?: boolean;
  onToggle?(): void;
  /** The key that toggles the earlier turns, shown in the toggle (Annotate: c). */
  shortcut?: string;
  /** Fill a fixed box; earlier turns scroll, the last user turn stays pinned. */
  bounded?: boolean;
  /** A click on an inline image (Annotate shows it large in the viewer). */
  onImage?(index: number): void;
  className?: string;
}

type Place = 'earlier' | 'last' | 'after';

function InlineImage({ index, images, onImage }: { index: number; images: ImageRef[]; onImage: ((index: number) => void) | undefined }) {
  const client = useStudioClient();
  const image = images[index];
  if (!image) {
    return <span className="md-image thread-image-missing">[image {index + 1}: not in this item]</span>;
  }
  const img = (
    <img
      className="thread-image"
      src={client.mediaUrl(image.relPath)}
      alt={`Image ${index + 1} of ${images.length}`}
      width={image.width}
      height={image.height}
      draggable={false}
      data-testid="thread-image"
      data-image-index={index}
    />
  );
  if (!onImage) return <span className="thread-image-frame">{img}</span>;
  return (
    <button type="button" tabIndex={-1} className="thread-image-frame clickable" title={`Show image ${index + 1} large`} onClick={() => onImage(index)}>
      {img}
    </button>
  );
}

function RichParts({ parts, images, onImage }: { parts: TurnPart[]; images: ImageRef[]; onImage: ((index: number) => void) | undefined }) {
  return (
    <>
      {parts.map((part, index) =>
        part.type === 'text' ? (
          <MarkdownText key={index} text={part.text} />
        ) : (
          <InlineImage key={index} index={part.image} images={images} onImage={onImage} />
        ),
      )}
    </>
  );
}

function ToolCallBody({ turn }: { turn: Turn }) {
  const calls = toolCallsOf(turnText(turn));
  return (
    <>
      {calls.map((call, index) => (
        <div key={index} className="tool-block" data-testid="thread-tool-call">
          {call.name !== null && <span className="tool-name">{call.name}</span>}
          {call.body !== '' && <pre className="tool-code">{call.body}</pre>}
        </div>
      ))}
    </>
  );
}

function TurnView({ turn, place, images, onImage }: { turn: Turn; place: Place; images: ImageRef[]; onImage: ((index: number) => void) | undefined }) {
  const imageParts = turn.parts.filter((part) => part.type === 'image');
  return (
    <div className={`thread-turn kind-${turn.kind} place-${place}`} data-testid="thread-turn" data-role={turn.role} data-place={place}>
      <span className="thread-role">{roleLabel(turn)}</span>
      <div className="thread-body">
        {turn.kind === 'tool_call' ? (
          <>
            <ToolCallBody turn={turn} />
            <RichParts parts={imageParts} images={images} onImage={onImage} />
          </>
        ) : turn.kind === 'tool' ? (
          <>
            <pre className="tool-block tool-code" data-testid="thread-tool-result">
              {toolResultText(turnText(turn))}
            </pre>
            <RichParts parts={imageParts} images={images} onImage={onImage} />
          </>
        ) : (
          <RichParts parts={turn.parts} images={images} onImage={onImage} />
        )}
      </div>
    </div>
  );
}

export function ConversationThread({ query, prompt, images, expanded, onToggle, shortcut, bounded, onImage, className }: ConversationThreadProps) {
  const thread = useMemo(() => threadOf(query, prompt), [query, prompt]);
  const [ownExpanded, setOwnExpanded] = useState(false);
  const foldable = earlierFoldable(thread);
  const open = !foldable || (expanded ?? ownExpanded);
  const toggle = onToggle ?? (() => setOwnExpanded((value) => !value));
  // Bounded (Annotate, remounted per item): the earlier turns are drawn one frame after the item.
  // The first frame — the one key-to-next-item is measured to — holds the responses and the last
  // user turn; Markdown for five more turns added ~5 ms to that commit (bench/annotate-latency.ts
  // on conversation rows, unfolded).
  const [earlierDrawn, setEarlierDrawn] = useState(!bounded);
  useEffect(() => {
    if (earlierDrawn || !open || thread.earlier.length === 0) return;
    return afterNextPaint(() => setEarlierDrawn(true));
  }, [earlierDrawn, open, thread]);

  const classes = ['conversation-thread'];
  if (bounded) classes.push('bounded');
  if (thread.single) classes.push('single');
  if (className) classes.push(className);

  if (thread.single) {
    return (
      <section className={classes.join(' ')} data-testid="conversation-thread" data-earlier-count={0} data-expanded="true">
        <h3 className="section-label thread-label">Query</h3>
        <div className="thread-last" data-testid="thread-last">
          <div className="thread-query" data-testid="thread-turn" data-role="user" data-place="last">
            <MarkdownText text={query} />
          </div>
        </div>
      </section>
    );
  }

  const messageCount = thread.earlier.length + (thread.last ? 1 : 0) + thread.after.length;
  return (
    <section
      className={classes.join(' ')}
      data-testid="conversation-thread"
      data-earlier-count={thread.earlier.length}
      data-expanded={open ? 'true' : 'false'}
      aria-label="Conversation"
    >
      <h3 className="section-label thread-label">
        Conversation <span className="thread-count">{messageCount} messages</span>
      </h3>
      {thread.earlier.length > 0 && (
        <div className={open ? 'thread-earlier open' : 'thread-earlier'} data-testid="thread-earlier">
          {foldable && (
            <button
              type="button"
              className="thread-toggle"
              data-testid="thread-toggle"
              aria-expanded={open}
              onClick={toggle}
              // Where a key toggles it (Annotate), the button never takes focus: Enter and Space there
              // belong to the ranking, not to a focused button.
              tabIndex={shortcut ? -1 : undefined}
              title={shortcut ? `${open ? 'Hide' : 'Show'} the earlier turns (${shortcut})` : undefined}
            >
              <span className="thread-caret" aria-hidden="true">
                {open ? '▾' : '▸'}
              </span>
              <span className="thread-toggle-text">
                {open ? 'Hide' : 'Show'} {earlierCountText(thread.earlier.length)}
              </span>
              <span className="thread-toggle-summary">{earlierSummary(thread.earlier)}</span>
              {shortcut && <kbd>{shortcut}</kbd>}
            </button>
          )}
          {open && earlierDrawn && (
            <div className="thread-earlier-list">
              {/* One inner block: in a bounded box the list scrolls from its bottom (see conversation.css). */}
              <div className="thread-earlier-turns">
                {thread.earlier.map((turn, index) => (
                  <TurnView key={index} turn={turn} place="earlier" images={images} onImage={onImage} />
                ))}
              </div>
            </div>
          )}
        </div>
      )}
      <div className="thread-last" data-testid="thread-last">
        {thread.last ? (
          <TurnView turn={thread.last} place="last" images={images} onImage={onImage} />
        ) : (
          <p className="small muted">This conversation has no user turn.</p>
        )}
        {thread.after.map((turn, index) => (
          <TurnView key={index} turn={turn} place="after" images={images} onImage={onImage} />
        ))}
      </div>
    </section>
  );
}
