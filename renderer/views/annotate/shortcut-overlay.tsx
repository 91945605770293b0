/** The full keyboard map (`?`), grouped; generated from KEYBOARD_MAP so it cannot drift. */
import { ModalDialog } from '../../components/modal-dialog';
import { KEYBOARD_MAP, type KeyGroup } from './keyboard-map';

const GROUP_TITLES: Record<KeyGroup, string> = {
  Pair: 'Two responses',
  Ranking: 'Three or more responses',
  Queue: 'Moving',
  Item: 'This item',
  Image: 'Image',
  Help: 'Help',
};

export function ShortcutOverlay({ onClose }: { onClose(): void }) {
  const groups = [...new Set(KEYBOARD_MAP.map((binding) => binding.group))];
  return (
    <ModalDialog title="Keyboard map" testId="shortcut-overlay" onClose={onClose} wide>
      <div className="shortcut-grid">
        {groups.map((group) => (
          <section key={group} className="shortcut-group">
            <h3 className="section-label">{GROUP_TITLES[group]}</h3>
            <table className="table shortcuts">
              <tbody>
                {KEYBOARD_MAP.filter((binding) => binding.group === group).map((binding) => (
                  <tr key={binding.action} data-testid="shortcut-row">
                    <td className="shortcut-keys">
                      {binding.keys.map((key) => (
                        <kbd key={key}>{key}</kbd>
                      ))}
                    </td>
                    <td>{binding.action}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
      <p className="small muted">Keys work anywhere in the Annotate view except while typing in a field. Press ? or Esc to close.</p>
    </ModalDialog>
  );
}
