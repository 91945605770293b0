"""Preference losses and the batch statistics logged with them.

pairwise (Bradley-Terry):  mean over ordered pairs of  -log sigmoid(r_better - r_worse - margin)
                           (margin = 0 unless use_margin_loss; then an item's own `margin` from the
                           data replaces the run's margin for that item's pairs, as OpenRLHF and TRL
                           do); ties produce no pair.
plackett_luce (listwise):  per item, sum over responses i that beat at least one other of
                           -(r_i - logsumexp{r_j : rank_j >= rank_i}), averaged over items.
                           Tied responses share each other's denominators (Breslow's treatment);
                           with two responses this is exactly Bradley-Terry.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from reward_studio.reward_batch import Group, RewardBatch


def bradley_terry(rewards: torch.Tensor, pairs: torch.Tensor, margin: float | torch.Tensor = 0.0) -> torch.Tensor:
    """`margin`: one number for every pair, or one per pair (see pair_margins)."""
    diff = rewards[pairs[:, 0]] - rewards[pairs[:, 1]]
    return -F.logsigmoid(diff - margin).mean()


def pair_margins(batch: RewardBatch, run_margin: float) -> torch.Tensor:
    """Per-pair margins for use_margin_loss: the item's own margin where the data gives one, else the run's."""
    own = batch.pair_margin
    return torch.where(torch.isnan(own), torch.full_like(own, run_margin), own)


def plackett_luce(rewards: torch.Tensor, groups: list[Group]) -> torch.Tensor:
    per_item = []
    for offset, n, ranking in groups:
        r = rewards[offset:offset + n]
        ranks = torch.tensor(ranking, device=r.device)
        worst = int(ranks.max())
        terms = []
        for i in range(n):
            if int(ranks[i]) == worst:
                continue  # nothing ranked below it: contributes log(1) = 0
            pool = r[ranks >= ranks[i]]
            terms.append(torch.logsumexp(pool, dim=0) - r[i])
        per_item.append(torch.stack(terms).sum())
    return torch.stack(per_item).mean()


def preference_loss(rewards: torch.Tensor, batch: RewardBatch, kind: str = "pairwise", margin: float = 0.0,
                    use_margin: bool = False) -> torch.Tensor:
    """`use_margin` (use_margin_loss): pairs take their item's margin, else `margin`. Without it `margin`
    applies as given (0 in training) and items' margins are ignored. Plackett-Luce takes no margin."""
    if kind == "plackett_luce":
        return plackett_luce(rewards, batch.groups)
    per_pair = pair_margins(batch, margin).to(rewards.dtype) if use_margin else margin
    return bradley_terry(rewards, batch.pairs, per_pair)


@torch.no_grad()
def pair_stats(rewards: torch.Tensor, pairs: torch.Tensor) -> dict[str, float]:
    """Sums (not means) so they can be accumulated over micro-batches and ranks, then divided."""
    diff = (rewards[pairs[:, 0]] - rewards[pairs[:, 1]]).float()
    r = rewards.float()
    return {
        "pairs": float(pairs.shape[0]),
        "correct": float((diff > 0).sum()),
        "margin_sum": float(diff.sum()),
        "rows": float(r.numel()),
        "reward_sum": float(r.sum()),
        "reward_sq_sum": float((r * r).sum()),
    }
