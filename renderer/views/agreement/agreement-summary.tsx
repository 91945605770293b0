/** The agreement report: pairs (percent agreement, Cohen's kappa, per annotator pair), rankings (Krippendorff's alpha), conflicts. */

type AgreementReport = CommandResult<'judgments.agreement'>;
import { formatCount } from '../../components/format';
import { StatFigure } from '../../components/stat-figure';
import { Panel } from '../../components/panel';
import { formatCoefficient, formatShare, kappaWords } from './agreement-numbers';
import type { CommandResult } from '../../client/contract-types';

/** A Greek letter in a label or table head: those are set in capitals, which would turn κ into a K-like Κ. */
function GreekLetter({ children }: { children: string }) {
  return <span className="symbol">{children}</span>;
}


export function AgreementSummary({ report }: { report: AgreementReport }) {
  return (
    <div className="stack">
      <div className="stats agreement-stats">
        <StatFigure label="Annotators sharing items" value={formatCount(report.annotators.length)} note={report.annotators.join(', ') || 'no shared items yet'} testId="agreement-annotators" />
        <StatFigure label="Items judged by ≥ 2" value={formatCount(report.itemsWithSeveral)} testId="agreement-overlap" />
        <StatFigure label="Pair agreement" value={formatShare(report.pairs.percentAgreement)} note={`${formatCount(report.pairs.items)} pairs`} testId="agreement-percent" />
        <StatFigure label={<>Cohen's <GreekLetter>κ</GreekLetter></>} value={formatCoefficient(report.pairs.cohensKappa)} note={kappaWords(report.pairs.cohensKappa)} testId="agreement-kappa" />
        <StatFigure
          label={<>Krippendorff's <GreekLetter>α</GreekLetter> (rankings)</>}
          value={formatCoefficient(report.rankings.krippendorffAlpha)}
          note={`${formatCount(report.rankings.items)} rankings · Kendall-τ distance ${formatCoefficient(report.rankings.meanKendallTauDistance)}`}
          testId="agreement-alpha"
        />
        <StatFigure label="Conflicts" value={formatCount(report.conflicts)} note={`${formatCount(report.adjudicated)} adjudicated`} testId="agreement-conflicts" />
      </div>
      <Panel title="By annotator pair" testId="agreement-pairs">
        {report.pairs.byAnnotatorPair.length === 0 ? (
          <p className="small muted">No two annotators have judged the same two-response item yet. Ask a second person to annotate (Settings → name), filter “By others”.</p>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th>Annotators</th>
                <th className="num">Shared pairs</th>
                <th className="num">Agreement</th>
                <th className="num">
                  Cohen's <GreekLetter>κ</GreekLetter>
                </th>
              </tr>
            </thead>
            <tbody>
              {report.pairs.byAnnotatorPair.map((pair) => (
                <tr key={`${pair.a}\n${pair.b}`} data-testid="agreement-pair-row" data-a={pair.a} data-b={pair.b}>
                  <td>
                    {pair.a} · {pair.b}
                  </td>
                  <td className="num" data-testid="agreement-pair-items">
                    {formatCount(pair.items)}
                  </td>
                  <td className="num" data-testid="agreement-pair-percent">
                    {formatShare(pair.percentAgreement)}
                  </td>
                  <td className="num" data-testid="agreement-pair-kappa">
                    {formatCoefficient(pair.cohensKappa)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}
