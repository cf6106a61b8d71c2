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


def test_every_match_type_reads_in_words() -> None:
    from leadscore.rules_doc import _match_phrase

    assert _match_phrase("", "/pricing%") == "starts with `/pricing`"
    assert _match_phrase("like", "%") is None
    assert _match_phrase("like", "%webinar%") == "contains `webinar`"
    assert _match_phrase("equals", "list_import") == "is `list_import`"
    assert _match_phrase("in", "google|olark_chat|organic_search") == \
        "is `google`, `olark_chat` or `organic_search`"
    assert _match_phrase("regex", "^/product/(a|b)$").startswith("matches the pattern `^/product/(a\\|b)$`")
    assert _match_phrase("between", "51..200") == "is 51 to 200"
    assert _match_phrase("between", "1001..") == "is 1001 or more"
    assert _match_phrase("between", "..10") == "is at most 10"
