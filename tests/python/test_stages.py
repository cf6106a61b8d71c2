"""The lifecycle stages have one home, the seed lifecycle_stages: Python reads it in funnel
order, and the dbt models rank stages by it (checked on the demo build in test_pipeline)."""

from pathlib import Path

from leadscore.stages import SEED, lifecycle_stages


def test_the_seed_gives_the_funnel_order_with_disqualified_last() -> None:
    assert lifecycle_stages() == (
        "prospect", "lead", "mql", "sal", "sql", "customer", "disqualified")


def test_stages_are_ordered_by_rank_not_by_row_order(tmp_path: Path) -> None:
    seed = tmp_path / "lifecycle_stages.csv"
    seed.write_text(
        "stage,stage_rank,description\n"
        "won,3,\"a deal, won\"\n"
        "out,0,off the ladder\n"
        "new, 1,first\n"
        "engaged,2,second\n",
        encoding="utf-8",
    )
    assert lifecycle_stages(seed) == ("new", "engaged", "won", "out")


def test_the_unit_test_fixture_is_the_seed_itself() -> None:
    # dbt unit tests read tests/fixtures/lifecycle_stages.csv: a link to the seed, not a copy
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "lifecycle_stages.csv"
    assert fixture.is_symlink()
    assert fixture.resolve() == SEED.resolve()
