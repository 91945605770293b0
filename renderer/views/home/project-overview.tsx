/** The numbers a person checks first: how much is there, how much is labeled, where, by whom. */
import { formatBytes, formatCount, formatPercent } from '../../components/format';
import { Panel } from '../../components/panel';
import type { ProjectSummary, Split } from '../../client/contract-types';

const SPLIT_ORDER: readonly Split[] = ['train', 'val', 'test'];

function Stat({ label, value, detail, testId }: { label: string; value: string; detail?: string; testId: string }) {
  return (
    <div className="stat" data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value" data-testid={`${testId}-value`}>
        {value}
      </div>
      {detail && <div className="stat-detail">{detail}</div>}
    </div>
  );
}

export function ProjectStats({ project }: { project: ProjectSummary }) {
  const unlabeled = project.itemCount - project.labeledCount;
  return (
    <div className="stats" data-testid="project-stats">
      <Stat label="Items" value={formatCount(project.itemCount)} testId="stat-items" />
      <Stat
        label="Labeled"
        value={formatCount(project.labeledCount)}
        detail={formatPercent(project.labeledCount, project.itemCount)}
        testId="stat-labeled"
      />
      <Stat label="Unlabeled" value={formatCount(unlabeled)} detail={formatPercent(unlabeled, project.itemCount)} testId="stat-unlabeled" />
      <Stat label="Images" value={formatCount(project.imageCount)} detail={formatBytes(project.mediaBytes)} testId="stat-images" />
    </div>
  );
}

function LabeledBar({ labeled, total }: { labeled: number; total: number }) {
  const share = total > 0 ? labeled / total : 0;
  return (
    <div className="bar" aria-hidden="true">
      <div className="bar-fill" style={{ width: `${(share * 100).toFixed(1)}%` }} />
    </div>
  );
}

export function SplitTable({ project }: { project: ProjectSummary }) {
  return (
    <Panel title="Splits" testId="split-table" aside={<span className="muted small">seed “{project.splitSeed}”</span>}>
      <table className="table">
        <thead>
          <tr>
            <th>Split</th>
            <th className="num">Ratio</th>
            <th className="num">Items</th>
            <th className="num">Labeled</th>
            <th className="num">Unlabeled</th>
            <th className="bar-col">Progress</th>
          </tr>
        </thead>
        <tbody>
          {SPLIT_ORDER.map((split) => {
            const counts = project.bySplit[split];
            return (
              <tr key={split} data-testid={`split-row-${split}`}>
                <td>
                  <span className={`split-badge split-${split}`}>{split}</span>
                </td>
                <td className="num muted">{Math.round(project.splitRatios[split] * 100)}%</td>
                <td className="num" data-testid={`split-${split}-items`}>
                  {formatCount(counts.items)}
                </td>
                <td className="num" data-testid={`split-${split}-labeled`}>
                  {formatCount(counts.labeled)}
                </td>
                <td className="num">{formatCount(counts.items - counts.labeled)}</td>
                <td className="bar-col">
                  <LabeledBar labeled={counts.labeled} total={counts.items} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </Panel>
  );
}

export function AnnotatorTable({ project }: { project: ProjectSummary }) {
  const annotators = [...project.byAnnotator].sort((a, b) => b.judged - a.judged);
  return (
    <Panel title="Annotators" testId="annotator-table" aside={<span className="muted small">{annotators.length}</span>}>
      {annotators.length === 0 ? (
        <p className="muted small">No judgments yet. Labels from imported files count under the annotator the import named.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Annotator</th>
              <th className="num">Judged</th>
              <th className="bar-col">Share of items</th>
            </tr>
          </thead>
          <tbody>
            {annotators.map((annotator) => (
              <tr key={annotator.name} data-testid="annotator-row">
                <td>{annotator.name}</td>
                <td className="num">{formatCount(annotator.judged)}</td>
                <td className="bar-col">
                  <LabeledBar labeled={annotator.judged} total={project.itemCount} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
