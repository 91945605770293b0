/** Start another, empty project from Home (the same form as the welcome screen and the switcher). */
import { Panel } from '../../components/panel';
import { CreateProjectForm } from '../project/project-forms';
import { useProjectActions } from '../project/use-project-actions';

export function NewProjectPanel() {
  const actions = useProjectActions();
  return (
    <Panel title="New empty project" testId="home-new-project">
      <CreateProjectForm actions={actions} idPrefix="home-create-project" />
    </Panel>
  );
}
