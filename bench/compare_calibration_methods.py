"""The measurement behind leadscore calibrate's choice of method (docs/calibration.md).

On one built warehouse, the same time-ordered split and the same features, compare:

* l1_logistic: what `leadscore calibrate` does (scikit-learn, L1 path, relaxed refit,
  points scaled and rounded; at most --max-rules rules);
* optbinning:  optbinning's BinningProcess + Scorecard (LogisticRegression on WoE, points
  scaled min-max to 0..100 and rounded), with the number of variables cut (IV ranking)
  until its points table has at most as many rules (a rule = a bin whose points differ from
  the variable's most common bin, as a seed row would; at most MAX_BINS bins a variable).

Prints holdout AUC, top-decile conversion, rule count and seconds per method. optbinning
is not a dependency of the project: `uv pip install optbinning==1.0.0` to run this.

    .venv/bin/python bench/compare_calibration_methods.py warehouse/lead_scoring.duckdb [MAX_RULES]
"""

from __future__ import annotations

import sys
import time
import warnings
from pathlib import Path

import numpy as np

from leadscore import calibrate as cal

# Bins per variable (optbinning's max_n_bins): a points table has a few groups per attribute.
MAX_BINS = 4


def optbinning_scorecard(bt: cal.Backtest, split: cal.Split, max_rules: int):
    import pandas as pd
    from optbinning import BinningProcess, Scorecard
    from sklearn.linear_model import LogisticRegression

    off = cal.contradicted_disqualifications(bt)
    rows = split.train & ~cal.disqualified(bt, off)

    def frame(mask: np.ndarray) -> pd.DataFrame:
        idx = np.flatnonzero(mask)
        data = {}
        for a, attribute in enumerate(bt.attributes):
            codes = bt.fit_codes[bt.row_contact[idx], a]
            values = np.array(bt.fit_values[a] + [None], dtype=object)
            data[attribute] = values[codes]
        for k, rule_id in enumerate(bt.eng_rules):
            data[rule_id] = bt.eng_counts[idx, k]
        return pd.DataFrame(data)

    x_train, y_train = frame(rows), bt.converted[rows].astype(int)
    test = np.flatnonzero(split.test)
    x_test = frame(split.test)
    names = list(x_train.columns)
    best = None
    for top in range(len(names), 0, -1):
        bp = BinningProcess(names, categorical_variables=bt.attributes, max_n_bins=MAX_BINS,
                            selection_criteria={"iv": {"strategy": "highest", "top": top}})
        sc = Scorecard(bp, LogisticRegression(max_iter=1000), scaling_method="min_max",
                       scaling_method_params={"min": 0, "max": 100}, rounding=True,
                       reverse_scorecard=True)
        sc.fit(x_train, y_train)
        table = sc.table(style="detailed")
        rules = 0
        for _, bins in table.groupby("Variable"):
            bins = bins[bins["Count"] > 0]
            counts = bins["Count"].to_numpy()
            points = bins["Points"].round().to_numpy()
            reference = points[counts.argmax()]
            rules += len({p for p in points if p != reference})
        print(f"  optbinning: {top} variables, {rules} rules", file=sys.stderr)
        if rules <= max_rules:
            score = sc.score(x_test)
            best = (top, rules, score)
            break
    top, rules, score = best
    current = cal.evaluate(bt, bt.current_score[test], test)
    lead = np.where(cal.disqualified(bt, off)[test], 0, score)
    proposed = cal.evaluate(bt, lead, test)
    return rules, current, proposed, f"{top} variables"


def l1_logistic(bt: cal.Backtest, split: cal.Split, max_rules: int):
    cand = cal.calibrate(bt, split, max_rules)
    test = np.flatnonzero(split.test)
    current = cal.evaluate(bt, bt.current_score[test], test)
    proposed = cal.evaluate(bt, cal.score_candidate(bt, cand, test).lead_score, test)
    return len(cand.scoring_rules), current, proposed, f"C={cand.penalty_c:.3g}"


def main(argv: list[str]) -> int:
    warnings.filterwarnings("ignore")
    path = Path(argv[1])
    max_rules = int(argv[2]) if len(argv) > 2 else cal.DEFAULT_MAX_RULES
    con = cal.connect(path)
    bt = cal.read_backtest(con, "default")
    con.close()
    split = cal.split_snapshots(bt, None)
    print(f"{path}: {bt.rows:,} complete contact-snapshots, fit on {len(split.train_snapshots)}"
          f" snapshots, check on {len(split.test_snapshots)}; at most {max_rules} rules")
    for name, method in (("l1_logistic", l1_logistic), ("optbinning", optbinning_scorecard)):
        started = time.perf_counter()
        rules, current, proposed, detail = method(bt, split, max_rules)
        seconds = time.perf_counter() - started
        print(f"{name:12s} rules {rules:3d}  holdout AUC {current.auc:.3f} -> {proposed.auc:.3f}"
              f"  top decile {current.top_decile_rate:.1%} -> {proposed.top_decile_rate:.1%}"
              f"  {seconds:6.1f} s  ({detail})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
