"""`make bench` rewrites only its own figures in docs/benchmarks.md: the analysis written by hand
around them, and the sections of benchmarks not run this time, must survive every run."""

from bench.__main__ import BENCHES, GENERATED_END, GENERATED_START, _document

FAMILY = BENCHES[0][2]
STATS = next(title for name, _, title in BENCHES if name == "stats")


def test_a_run_replaces_its_figures_and_keeps_the_notes_and_other_sections(tmp_path, monkeypatch):
    monkeypatch.setattr("bench.__main__._machine", lambda: "2 cores")
    doc = tmp_path / "benchmarks.md"
    doc.write_text(
        "\n".join(
            [
                "# CASE Portal benchmarks",
                "",
                f"## {FAMILY}",
                "",
                GENERATED_START,
                "Run 2026-01-01 00:00 UTC.",
                "",
                "| figure | value |",
                "|---|---|",
                "| family page p50 ms | 16.000 |",
                GENERATED_END,
                "",
                "What the time went to: template rendering 57 %.",
                "",
                f"## {STATS}",
                "",
                "Statistics notes by hand, with their own table:",
                "| statistics page one office p95 ms | 405 |",
                "",
                "## Family page as an examiner's dossier",
                "",
                "A section of its own.",
            ]
        )
    )
    fresh = {FAMILY: {"figures": {"family page p50 ms": 7.25}, "run": "2026-12-04 19:00 UTC"}}

    text = _document(doc, "full", fresh)

    assert "| family page p50 ms | 7.250 |" in text
    assert "16.000" not in text and "Run 2026-01-01" not in text
    assert "What the time went to: template rendering 57 %." in text
    assert "| statistics page one office p95 ms | 405 |" in text  # not run: untouched
    assert "A section of its own." in text
    assert text.index(FAMILY) < text.index(STATS) < text.index("examiner's dossier")
    doc.write_text(text)
    assert _document(doc, "full", fresh) == text  # a second run changes nothing more


def test_a_benchmark_without_markers_gets_its_figures_above_the_notes(tmp_path, monkeypatch):
    monkeypatch.setattr("bench.__main__._machine", lambda: "2 cores")
    doc = tmp_path / "benchmarks.md"
    doc.write_text(f"# CASE Portal benchmarks\n\n## {STATS}\n\nHand-written analysis.\n")
    fresh = {STATS: {"figures": {"ratio": 51.0}, "run": "2026-12-04 19:00 UTC"}}

    text = _document(doc, "full", fresh)

    assert text.index("| ratio | 51.000 |") < text.index("Hand-written analysis.")
    assert text.count(f"## {STATS}") == 1
