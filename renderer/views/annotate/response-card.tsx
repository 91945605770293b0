/**
 * One response as shown for judging: its screen letter (A, B, … — screen order, not the stored
 * index, which the annotator never sees), a state badge, and the text, which scrolls inside the
 * card so a long answer never pushes the others or the buttons away.
 */
import type { ReactNode } from 'react';
import { responseLetter } from '../items/ranking-display';
import { MarkdownText } from '../../components/markdown-text';
import type { ModelScoreMark } from './model-score-marks';

export type ResponseMark = 'none' | 'better' | 'worse' | 'tie' | 'bad';

export interface ResponseCardProps {
  position: number;
  text: string;
  mark: ResponseMark;
  /** Right side of the header: the rank slot in ranking mode. */
  badge?: ReactNode;
  className?: string;
  /** Model in the loop (only when the person turned it on): the newest checkpoint's score, shown quietly. */
  modelScore?: ModelScoreMark | null;
  draggable?: boolean;
  onDragStart?(position: number): void;
  onDrop?(position: number): void;
}

export function ResponseCard({ position, text, mark, badge, className, modelScore, draggable, onDragStart, onDrop }: ResponseCardProps) {
  const classes = ['response-card', `mark-${mark}`];
  if (className) classes.push(className);
  return (
    <section
      className={classes.join(' ')}
      data-testid="annotate-response"
      data-position={position}
      draggable={draggable}
      onDragStart={(event) => {
        event.dataTransfer.effectAllowed = 'move';
        event.dataTransfer.setData('text/plain', String(position));
        onDragStart?.(position);
      }}
      onDragOver={(event) => {
        if (onDrop) event.preventDefault();
      }}
      onDrop={(event) => {
        event.preventDefault();
        onDrop?.(position);
      }}
    >
      <header className="response-card-head">
        <span className="response-letter">{responseLetter(position)}</span>
        {draggable && (
          <span className="drag-grip" aria-hidden="true" title="Drag onto another response to take its place">
            ⋮⋮
          </span>
        )}
        <span className="grow" />
        {modelScore && (
          <span
            className={modelScore.preferred ? 'model-score preferred' : 'model-score'}
            data-testid="model-score"
            data-score={modelScore.score}
            data-preferred={modelScore.preferred ? 'true' : 'false'}
            title={modelScore.preferred ? "The newest checkpoint's score — its preferred response" : "The newest checkpoint's score"}
          >
            {modelScore.preferred && <span className="model-score-dot" aria-hidden="true" />}
            {modelScore.score.toFixed(3)}
          </span>
        )}
        {badge}
      </header>
      <div className="response-card-body" tabIndex={-1}>
        <MarkdownText text={text} />
      </div>
    </section>
  );
}
