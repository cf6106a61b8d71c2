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


def test_count_bands_read_as_how_many_times(tmp_path) -> None:
    """Rules of the calibrated kind (count bands, `in` bins) render as sales reads them."""
    import csv
    import shutil

    from leadscore.rules_doc import SEEDS

    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    with open(seeds / "scoring_rules.csv", "a", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerows([
            ["default", "views_1", "engagement", "page_view", "like", "%", "2", "2", "", "1", "1", "Visited once"],
            ["default", "views_2_4", "engagement", "page_view", "like", "%", "5", "5", "", "2", "4", "Visited 2-4 times"],
            ["default", "views_5", "engagement", "page_view", "like", "%", "9", "9", "", "5", "", "Visited often"],
            ["default", "never", "engagement", "page_view", "like", "%", "-4", "4", "", "0", "0", "Never visited"],
            ["default", "recent_pricing", "engagement", "page_view", "like", "/pricing%", "6", "6", "30", "0.5", "",
             "Looked at pricing lately"],
            ["default", "source_bin", "fit", "lead_source", "in", "google|olark_chat", "3", "3", "", "", "",
             "Came from search or chat"],
        ])
    text = render(seeds)
    assert "### Points for how many times" in text
    assert "| Visited once | `page_view` | once | +2 | every time, no decay |" in text
    assert "| Visited 2-4 times | `page_view` | 2 to 4 times | +5 |" in text
    assert "| Visited often | `page_view` | 5 times or more | +9 |" in text
    assert "| Never visited | `page_view` | never | -4 |" in text
    assert "| Looked at pricing lately | `page_view`, page starts with `/pricing` | 0.5 times or more | +6" \
           " | with decay (half-life 30 days) |" in text
    assert "| Came from search or chat | `lead_source` is `google` or `olark_chat` | +3 |" in text
    # a band is not listed among the rules that give points per event
    assert "| Visited once | `page_view` | +2 |" not in text
