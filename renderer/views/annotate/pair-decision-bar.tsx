/**
 * The pair decisions as buttons, each with its key. Clicking works too; the keys are the point.
 * The annotator's saved choice (when revisiting an item) is highlighted.
 */
import type { PairChoice, Strength } from './ranking-from-decision';

export interface PairDecisionBarProps {
  saved: PairChoice | null;
  disabled: boolean;
  onDecide(choice: PairChoice, strength?: Strength): void;
  onSkip(): void;
}

interface ChoiceButton {
  choice: PairChoice;
  label: string;
  keys: string;
  strength?: Strength;
}

const BUTTONS: readonly ChoiceButton[] = [
  { choice: 'first', label: 'A clearly', keys: '⇧A', strength: 'clearly' },
  { choice: 'first', label: 'A better', keys: 'A', strength: 'slightly' },
  { choice: 'tie', label: 'Tie', keys: 'T' },
  { choice: 'both_bad', label: 'Both bad', keys: 'X' },
  { choice: 'second', label: 'B better', keys: 'B', strength: 'slightly' },
  { choice: 'second', label: 'B clearly', keys: '⇧B', strength: 'clearly' },
];

export function PairDecisionBar({ saved, disabled, onDecide, onSkip }: PairDecisionBarProps) {
  return (
    <div className="decision-bar" role="group" aria-label="Decision" data-testid="pair-decision-bar">
      {BUTTONS.map((button) => (
        <button
          key={`${button.choice}-${button.strength ?? ''}`}
          type="button"
          tabIndex={-1}
          className={saved === button.choice && button.strength !== 'clearly' ? 'decision saved' : 'decision'}
          disabled={disabled}
          data-testid={`decide-${button.choice}${button.strength === 'clearly' ? '-clearly' : ''}`}
          onClick={() => onDecide(button.choice, button.strength)}
        >
          <span className="decision-label">{button.label}</span>
          <kbd>{button.keys}</kbd>
        </button>
      ))}
      <span className="decision-sep" aria-hidden="true" />
      <button type="button" tabIndex={-1} className="decision skip" disabled={disabled} data-testid="decide-skip" onClick={onSkip}>
        <span className="decision-label">Skip</span>
        <kbd>S</kbd>
      </button>
    </div>
  );
}
