/** Each person's figures: how much they judged, how fast, how well on gold items, how much they agree with the others. */
import { formatCount, formatDateTime } from '../../components/format';
import { formatAgreementCell, formatGoldAccuracy, formatSeconds, formatSince } from './team-format';
import type { MemberProgress } from './team-types';

export function ProgressTable({ members, now }: { members: readonly MemberProgress[]; now: number }) {
  if (members.length === 0) {
    return (
      <p className="small muted" data-testid="team-progress-empty">
        Nobody has judged yet.
      </p>
    );
  }
  return (
    <div className="team-table-wrap">
      <table className="table team-progress-table" data-testid="team-progress-members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Role</th>
            <th>Status</th>
            <th className="num" title="Judged today / in total">
              Today / total
            </th>
            <th className="num" title="Items handed to them and not judged yet">
              Holding
            </th>
            <th className="num" title="Median seconds per judgment">
              Median
            </th>
            <th className="num" title="Gold items answered correctly">
              Gold
            </th>
            <th className="num" title="Mean Cohen's kappa with the others, and percent agreement, on shared two-response items">
              <span className="symbol">κ</span> · agree
            </th>
            <th>Last judged</th>
          </tr>
        </thead>
        <tbody>
          {members.map((member) => (
            <tr key={member.memberId ?? `name:${member.name}`} data-testid="team-progress-row" data-name={member.name}>
              <td className="team-name-cell">{member.name}</td>
              <td className={member.role ? undefined : 'muted'}>{member.role ?? '—'}</td>
              <td>{member.status ? <span className={`team-status team-status-${member.status}`}>{member.status}</span> : <span className="muted">—</span>}</td>
              <td className="num" data-testid="team-progress-judged">
                {formatCount(member.judgedToday)} / {formatCount(member.judgedTotal)}
              </td>
              <td className="num">{formatCount(member.holding)}</td>
              <td className="num">{formatSeconds(member.medianSeconds)}</td>
              <td className="num" data-testid="team-progress-gold-accuracy">
                {formatGoldAccuracy(member.gold)}
              </td>
              <td className="num" title={member.sharedItems > 0 ? `${formatCount(member.sharedItems)} shared items` : 'No item shared with someone else yet'}>
                {formatAgreementCell(member.kappa, member.percentAgreement)}
              </td>
              <td className="muted" title={member.lastJudgedAt ? formatDateTime(member.lastJudgedAt) : undefined}>
                {formatSince(member.lastJudgedAt, now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
