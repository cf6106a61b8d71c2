"""The sales-readable rules page says what the seeds do."""

from leadscore.rules_doc import OUTPUT, render


def test_scoring_rules_page_is_up_to_date() -> None:
    assert OUTPUT.read_text(encoding="utf-8") == render(), "run: python -m leadscore.rules_doc"


def test_scoring_rules_page_names_every_default_rule() -> None:
    import csv

    from leadscore.rules_doc import SEEDS

    text = render()
    with open(SEEDS / "scoring_rules.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            assert row["reason_text"] in text
