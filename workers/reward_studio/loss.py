"""Preference losses and the batch statistics logged with them.

pairwise (Bradley-Terry):  mean over ordered pairs of  -log sigmoid(r_better - r_worse - margin)
                           (margin = 0 unless use_margin_loss); ties produce no pair.
plackett_luce (listwise):  per item, sum over responses i that beat at least one other of
                           -(r_i - logsumexp{r_j : rank_j >= rank_i}), averaged over items.
                           Tied responses share each other's denominators (Breslow's treatment);
                           with two responses this is exactly Bradley-Terry.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F


def bradley_terry(rewards: torch.Tensor, pairs: torch.Tensor, margin: float = 0.0) -> torch.Tensor:
    diff = rewards[pairs[:, 0]] - rewards[pairs[:, 1]]
    return -F.logsigmoid(diff - margin).mean()


def plackett_luce(rewards: torch.Tensor, groups: list[tuple[int, int, list[int]]]) -> torch.Tensor:
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


def preference_loss(rewards: torch.Tensor, batch: dict, kind: str = "pairwise", margin: float = 0.0) -> torch.Tensor:
    if kind == "plackett_luce":
        return plackett_luce(rewards, batch["groups"])
    return bradley_terry(rewards, batch["pairs"], margin)


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
