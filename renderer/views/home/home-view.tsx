/** Project home: the numbers on the left, getting data in and out on the right. */
import { useCallback, useEffect, useState } from 'react';
import { useStudioClient } from '../../client/client-context';
import { useProjectStore } from '../../state/project-store';
import { ExportPanel } from './export-panel';
import { FirstSteps } from './first-steps';
import { ImportPanel } from './import-panel';
import { PastImports } from './past-imports';
import { AnnotatorTable, ProjectStats, SplitTable } from './project-overview';
import { ResplitPanel } from './resplit-panel';
import { useFreshSummary } from './use-fresh-summary';
import { NewProjectPanel } from './new-project-panel';
import type { ImportReport } from '../../client/contract-types';

export function HomeView() {
  const client = useStudioClient();
  const project = useProjectStore((state) => state.project);
  const projectDir = project?.dir ?? null;
  useFreshSummary(projectDir);
  const [imports, setImports] = useState<ImportReport[] | null>(null);
  const [importsError, setImportsError] = useState<string | null>(null);

  const loadImports = useCallback(() => {
    client.invoke('dataset.imports', {}).then(
      (list) => {
        setImports(list);
        setImportsError(null);
      },
      (error: unknown) => setImportsError(error instanceof Error ? error.message : String(error)),
    );
  }, [client]);

  useEffect(() => {
    setImports(null);
    if (projectDir) loadImports();
  }, [projectDir, loadImports]);

  if (!project) return null;
  const focusImport = () => {
    const field = document.querySelector<HTMLElement>('[data-testid="import-file"]');
    field?.scrollIntoView({ block: 'center' });
    field?.focus();
  };
  return (
    <div className="home" data-testid="home">
      <header className="view-header">
        <div>
          <h1 className="view-title">{project.name}</h1>
          <p className="muted small mono" title={project.dir}>
            {project.dir}
          </p>
        </div>
      </header>
      {project.itemCount === 0 && (
        <p className="callout" data-testid="home-empty">
          This project is empty. Import a seed or TRL JSONL file (or Parquet) on the right; its items, images and labels land here.
        </p>
      )}
      <FirstSteps project={project} onImport={focusImport} />
      <ProjectStats project={project} />
      <div className="home-grid">
        <div className="home-column">
          <SplitTable project={project} />
          <AnnotatorTable project={project} />
          <ResplitPanel key={project.dir} project={project} />
          <NewProjectPanel />
        </div>
        <div className="home-column">
          <ImportPanel onImported={loadImports} />
          <ExportPanel />
          <PastImports imports={imports} error={importsError} />
        </div>
      </div>
    </div>
  );
}
