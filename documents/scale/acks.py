"""Acknowledgements of the benchmark's data: who must read each effective revision, and who did."""

from datetime import timedelta

from ..models import Acknowledgement, Revision
from .plan import ACKNOWLEDGED_SHARE, aware

S = Revision.Status


def acknowledgements(plans, showcase, total, people, subtree, everyone, rng, now, due=None):
    """``total`` rows over the effective revisions: the showcase's to the whole province (up to a
    quarter of ``total``), the others to people of the owning unit and below, in proportion to how
    many work there. Exactly ``total`` unless there are not that many (revision, person) pairs.
    About 70 % are acknowledged; with ``due``, about ``due`` rows are not (the acknowledgement
    reminder's sweep finds those assigned more than a week ago)."""
    if total <= 0:
        return []
    acknowledged_share = ACKNOWLEDGED_SHARE if due is None else max(0.0, 1.0 - due / total)
    effective = [p for p in plans if p["current"] is not None and p["current"].status == S.EFFECTIVE]
    if not effective:
        return []
    picks = {}  # plan index → list of people indices
    pools = {}
    if showcase in effective:
        share = min(len(everyone), max(1, total // 4))
        picks[id(showcase)] = rng.sample(everyone, share)
        pools[id(showcase)] = everyone
    rest = [p for p in effective if p is not showcase]
    remaining = total - sum(len(v) for v in picks.values())
    for p in rest:
        pools[id(p)] = subtree.get(p["unit"].pk) or everyone
    capacity = sum(len(pools[id(p)]) for p in rest)
    if rest and remaining > capacity:
        # Small trees: widen to the whole province (a document distributed more widely).
        for p in rest:
            pools[id(p)] = everyone
        capacity = len(everyone) * len(rest)
    if rest and remaining > 0:
        fraction = min(1.0, remaining / capacity)
        quotas = []
        for p in rest:
            exact = fraction * len(pools[id(p)])
            quota = int(exact) + (1 if rng.random() < exact - int(exact) else 0)
            quotas.append(min(quota, len(pools[id(p)])))
        gap = remaining - sum(quotas)
        order = list(range(len(rest)))
        while gap != 0:
            rng.shuffle(order)
            moved = False
            for i in order:
                if gap > 0 and quotas[i] < len(pools[id(rest[i])]):
                    quotas[i] += 1
                    gap -= 1
                    moved = True
                elif gap < 0 and quotas[i] > 0:
                    quotas[i] -= 1
                    gap += 1
                    moved = True
                if gap == 0:
                    break
            if not moved:
                break
        for p, quota in zip(rest, quotas, strict=True):
            if quota:
                picks[id(p)] = rng.sample(pools[id(p)], quota)
    rows = []
    by_id = {id(p): p for p in effective}
    for key, indices in picks.items():
        revision = by_id[key]["current"]
        assigned = max(aware(revision.effective_date, 8), revision.created_at)
        span = max(1, int((now - assigned).total_seconds()))
        for index in indices:
            pk, unit_id, _name = people[index]
            done = None
            if rng.random() < acknowledged_share:
                done = assigned + timedelta(seconds=rng.randint(3600, min(span, 60 * 86400)) if span > 3600 else 60)
            row = Acknowledgement(revision_id=revision.pk, user_id=pk, unit_id=unit_id, acknowledged_at=done,
                                  created_at=assigned)
            row._history_date = assigned
            rows.append(row)
    return rows
