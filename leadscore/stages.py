"""The lifecycle stages, read from the seed `seeds/lifecycle_stages.csv`.

The seed is the one list of stages: the dbt models join it for stage ranks and names, the
marts' stage columns are tested against it, and the Python tools (the terminal summary,
the Great Expectations checks) read it here.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

SEED = Path(__file__).resolve().parents[1] / "seeds" / "lifecycle_stages.csv"


@cache
def lifecycle_stages(seed: Path = SEED) -> tuple[str, ...]:
    """The stages in funnel order: the ladder by rank (prospect ... customer), then the
    stages off the ladder (rank 0: disqualified)."""
    with seed.open(newline="", encoding="utf-8") as f:
        rows = [(int(r["stage_rank"]), r["stage"].strip()) for r in csv.DictReader(f)]
    if not rows:
        raise ValueError(f"{seed}: no lifecycle stages")
    ladder = sorted(r for r in rows if r[0] > 0)
    off_ladder = sorted(r for r in rows if r[0] <= 0)
    return tuple(stage for _, stage in ladder + off_ladder)
