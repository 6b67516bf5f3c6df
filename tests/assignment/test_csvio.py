import json

import pytest

from reviews.assignment import cli
from reviews.assignment.csvio import CsvFormatError, load_instance, read_assignment


def write(path, text):
    path.write_text(text)
    return path


@pytest.fixture
def csv_files(tmp_path):
    scores = write(
        tmp_path / "scores.csv",
        # OpenReview-style: no header, reviewer e-mails in any case.
        "P1,alice@example.org,0.9\n"
        "P1,Bob@example.org,0.8\n"
        "P1,carol@example.org,0.1\n"
        "P2,alice@example.org,0.7\n"
        "P2,bob@example.org,0.6\n"
        "P2,carol@example.org,0.5\n"
        "P3,alice@example.org,0.95\n"
        "P3,carol@example.org,0.3\n"
        "P3,dave@example.org,0.2\n",
    )
    conflicts = write(tmp_path / "conflicts.csv", "paper,reviewer\nP3,ALICE@example.org\n")
    loads = write(
        tmp_path / "loads.csv",
        "reviewer,min_load,max_load\nalice@example.org,0,2\ndave@example.org,1,1\n",
    )
    return tmp_path, scores, conflicts, loads


def test_cli_round_trip(csv_files):
    tmp_path, scores, conflicts, loads = csv_files
    out, summary = tmp_path / "assignment.csv", tmp_path / "summary.json"
    status = cli.main(
        [
            "--scores",
            str(scores),
            "--conflicts",
            str(conflicts),
            "--loads",
            str(loads),
            "--k",
            "2",
            "--max-load",
            "3",
            "--out",
            str(out),
            "--summary",
            str(summary),
            "--quiet",
        ]
    )
    assert status == 0
    rows = read_assignment(out)
    pairs = {(paper, reviewer) for paper, reviewer, _, _ in rows}
    assert ("P3", "alice@example.org") not in pairs
    assert ("P3", "dave@example.org") in pairs  # dave's minimum load of 1
    per_paper = {paper: sum(1 for p, *_ in rows if p == paper) for paper in ("P1", "P2", "P3")}
    assert per_paper == {"P1": 2, "P2": 2, "P3": 2}
    assert sum(1 for _, reviewer, *_ in rows if reviewer == "alice@example.org") <= 2
    document = json.loads(summary.read_text())
    assert document["summary"]["is_optimal"] is True
    assert document["summary"]["assigned_pairs"] == 6
    assert document["infeasibility"] is None
    # Optimum: P1 alice+bob (1.7), P2 bob+carol (1.1) or alice..., P3 carol+dave (0.5)
    assert document["summary"]["total_affinity"] == pytest.approx(
        sum(score for _, _, score, _ in rows)
    )
    assert document["summary"]["total_affinity"] == pytest.approx(0.9 + 0.8 + 0.7 + 0.6 + 0.3 + 0.2)


def test_cli_reports_infeasible_instance(csv_files, capsys):
    tmp_path, scores, conflicts, loads = csv_files
    out = tmp_path / "assignment.csv"
    status = cli.main(
        ["--scores", str(scores), "--conflicts", str(conflicts), "--k", "3", "--out", str(out)]
    )
    assert status == 2
    printed = capsys.readouterr().out
    assert (
        "paper P3 has only 2 non-conflicted candidate reviewers with free capacity, needs 3"
        in printed
    )
    assert len(read_assignment(out)) == 8


def test_row_order_does_not_change_the_result(csv_files):
    tmp_path, scores, conflicts, loads = csv_files
    lines = scores.read_text().splitlines()
    shuffled = write(tmp_path / "shuffled.csv", "\n".join(reversed(lines)) + "\n")
    outputs = []
    for path in (scores, shuffled):
        out = tmp_path / f"out-{path.stem}.csv"
        cli.main(["--scores", str(path), "--k", "2", "--out", str(out), "--quiet"])
        outputs.append(out.read_text())
    assert outputs[0] == outputs[1]


def test_locked_pairs_are_kept(csv_files):
    tmp_path, scores, conflicts, loads = csv_files
    locked = write(tmp_path / "locked.csv", "P1,carol@example.org\n")
    instance = load_instance(scores=scores, locked=locked, k=2)
    assert instance.problem.locked_paper.size == 1
    out = tmp_path / "assignment.csv"
    cli.main(
        ["--scores", str(scores), "--locked", str(locked), "--k", "2", "--out", str(out), "--quiet"]
    )
    rows = read_assignment(out)
    assert ("P1", "carol@example.org", 0.1, True) in rows
    assert sum(1 for paper, *_ in rows if paper == "P1") == 2


def test_bad_rows_are_reported_with_line_numbers(tmp_path):
    scores = write(tmp_path / "scores.csv", "P1,a@example.org,0.5\nP1,b@example.org,high\n")
    with pytest.raises(CsvFormatError, match=r"scores.csv:2: 'high' is not a valid number"):
        load_instance(scores=scores)
    duplicate = write(tmp_path / "dup.csv", "P1,a@example.org,0.5\nP1,A@example.org,0.6\n")
    with pytest.raises(CsvFormatError, match="listed twice"):
        load_instance(scores=duplicate)
    assert cli.main(["--scores", str(scores), "--out", str(tmp_path / "x.csv")]) == 1
