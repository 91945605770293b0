/**
 * Every key of the Annotate view, in one table: the `?` overlay lists it, the buttons show their
 * key from it, and the README's keyboard map copies it. Adding a key here and nowhere else would
 * leave it undocumented; the overlay test checks the overlay shows every entry.
 */

export type KeyGroup = 'Pair' | 'Ranking' | 'Item' | 'Queue' | 'Image' | 'Help';

export interface KeyBinding {
  /** Keys as shown on screen. */
  keys: string[];
  action: string;
  group: KeyGroup;
}

export const KEYBOARD_MAP: readonly KeyBinding[] = [
  { keys: ['a', '←'], action: 'A is better (slightly)', group: 'Pair' },
  { keys: ['⇧A', '⇧←'], action: 'A is clearly better', group: 'Pair' },
  { keys: ['b', '→'], action: 'B is better (slightly)', group: 'Pair' },
  { keys: ['⇧B', '⇧→'], action: 'B is clearly better', group: 'Pair' },
  { keys: ['t'], action: 'Tie: equally good', group: 'Pair' },
  { keys: ['x'], action: 'Both bad (stored as a tie, reported apart)', group: 'Pair' },
  { keys: ['1 … 9'], action: 'Give the next response (in screen order) this rank; same number = tie', group: 'Ranking' },
  { keys: ['Backspace'], action: 'Take back the last rank typed', group: 'Ranking' },
  { keys: ['Esc'], action: 'Clear the ranks typed', group: 'Ranking' },
  { keys: ['Enter'], action: 'Save the ranking and go on', group: 'Ranking' },
  { keys: ['drag'], action: 'Drag a response onto another place to reorder', group: 'Ranking' },
  { keys: ['s', 'j'], action: 'Skip: next item without saving', group: 'Queue' },
  { keys: ['k'], action: 'Previous item', group: 'Queue' },
  { keys: ['z'], action: 'Undo your last decision (press again for more) and show that item', group: 'Queue' },
  { keys: ['g'], action: 'Go to an item by id', group: 'Queue' },
  { keys: ['/'], action: 'Search the queue (query and responses)', group: 'Queue' },
  { keys: ['n'], action: 'Write a note on this item', group: 'Item' },
  { keys: ['f'], action: 'Flag / unflag this item', group: 'Item' },
  { keys: ['c'], action: 'Show / hide the earlier turns of a conversation (the last user turn always shows)', group: 'Item' },
  { keys: ['+', '-'], action: 'Zoom the image in / out (or the mouse wheel)', group: 'Image' },
  { keys: ['0'], action: 'Fit the image again', group: 'Image' },
  { keys: ['i'], action: 'Next image of this item', group: 'Image' },
  { keys: ['?'], action: 'Show / hide this keyboard map', group: 'Help' },
];
