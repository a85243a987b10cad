"""The benchmark runner's parts: timing, growth, the table, skipping absent areas.

The figures themselves are never asserted: they depend on the machine.
"""

from __future__ import annotations

import subprocess
import sys
import types

import pytest
from benchmarks import build_speed, measure, run, synthetic

from policy_core import git_history


def test_growth_names_linear_and_quadratic_costs():
    def figure(notices, seconds):
        return measure.Figure("build", "full", notices, seconds)

    assert "exponent 1.00" in measure.growth(figure(100, 2.0), figure(300, 6.0))
    assert "exponent 2.00" in measure.growth(figure(100, 1.0), figure(300, 9.0))


def test_timed_reports_time_and_memory_and_fails_loudly():
    done = measure.timed([sys.executable, "-c", "x = bytearray(50_000_000)"])
    assert done.seconds > 0
    assert done.peak_mb >= 50
    with pytest.raises(RuntimeError, match="(?s)failed \\(3\\).*broken build"):
        measure.timed([sys.executable, "-c", "print('broken build'); raise SystemExit(3)"])


def test_table_shows_the_ratio_to_the_stock_figure():
    table = measure.format_table([
        measure.Figure("build", "full HTML build", 100, 2.0, stock=8.0, peak_mb=80, stock_peak_mb=90)
    ])
    row = table.splitlines()[-1]
    assert "| 2.00 s |" in row and "| 8.00 s |" in row and row.endswith("| 0.25 |")


def test_runner_skips_an_absent_area_with_a_message(monkeypatch, capsys, tmp_path):
    present = types.ModuleType("benchmarks.present")
    present.run = lambda settings: [measure.Figure("present", "size", None, 5.0, unit="bytes")]
    monkeypatch.setitem(sys.modules, "benchmarks.present", present)
    monkeypatch.setattr(run, "AREAS", ("present", "not_written_yet"))
    assert run.main(["--sizes", "10", "--repeats", "1", "--workdir", str(tmp_path)]) == 0
    output = capsys.readouterr().out
    assert "Skipping area 'not_written_yet': benchmarks/not_written_yet.py is not there yet" in output
    assert "| present | size |" in output


def test_runner_runs_an_area_without_the_entry_point_as_a_program(monkeypatch, capfd, tmp_path):
    standalone = types.ModuleType("benchmarks.standalone")
    monkeypatch.setitem(sys.modules, "benchmarks.standalone", standalone)
    monkeypatch.setattr(run, "AREAS", ("standalone",))
    script = run.ROOT / "benchmarks" / "standalone.py"
    monkeypatch.setattr(run, "ROOT", tmp_path)
    (tmp_path / "benchmarks").mkdir()
    (tmp_path / "benchmarks" / "standalone.py").write_text("print('own report: 3 s')\n")
    assert not script.exists()
    assert run.main(["--sizes", "10", "--repeats", "1", "--workdir", str(tmp_path)]) == 0
    assert "own report: 3 s" in capfd.readouterr().out


def test_an_area_program_that_fails_fails_the_run_after_the_others(monkeypatch, capfd, tmp_path):
    for area, exit_status in [("over_budget", 1), ("after_it", 0)]:
        monkeypatch.setitem(sys.modules, f"benchmarks.{area}", types.ModuleType(area))
        (tmp_path / "benchmarks").mkdir(exist_ok=True)
        (tmp_path / "benchmarks" / f"{area}.py").write_text(
            f"print('{area} report')\nraise SystemExit({exit_status})\n")
    monkeypatch.setattr(run, "AREAS", ("over_budget", "after_it"))
    monkeypatch.setattr(run, "ROOT", tmp_path)
    assert run.main(["--sizes", "10", "--repeats", "1", "--workdir", str(tmp_path)]) == 1
    output = capfd.readouterr().out
    assert "over_budget report" in output and "after_it report" in output
    assert "Failed: over_budget (exit 1); its report is above" in output


def test_runner_does_not_hide_an_area_that_fails_to_import(monkeypatch, tmp_path):
    # An area present but broken (here: importing a module that does not exist)
    # is an error, not a skipped area.
    broken = tmp_path / "benchmarks_broken_area.py"
    broken.write_text("import no_such_module_anywhere\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(run, "AREAS", ("broken_area",))
    monkeypatch.setattr(run.importlib, "import_module",
                        lambda name: __import__(name.replace("benchmarks.", "benchmarks_")))
    with pytest.raises(ModuleNotFoundError, match="no_such_module_anywhere"):
        run.main(["--sizes", "10", "--repeats", "1", "--workdir", str(tmp_path)])


@pytest.mark.parametrize("theme", ["basic", "furo"])
def test_floor_project_builds_the_same_pages_with_sphinx_and_myst_alone(tmp_path, theme):
    project = synthetic.make_floor_project(tmp_path / "floor", 2, theme=theme)
    conf = (project / "conf.py").read_text(encoding="utf-8")
    assert 'extensions = ["myst_parser"]' in conf and f'html_theme = "{theme}"' in conf
    command = build_speed.floor_command(project, tmp_path / "out")
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stdout + process.stderr
    for page in ("python.org/Privacy-Notice", synthetic.notice_path(2)):
        html = (tmp_path / "out" / page / "index.html").read_text(encoding="utf-8")
        # The site's roles are written as the words they show.
        assert "Fastly" in html and "{processor" not in html, page


def test_a_benchmark_edit_is_one_an_editor_may_make(git_project):
    # The rebuild and preview figures edit a committed notice; an edit that
    # left out its `changes` entry would time a failing build.
    name = "example/Notice.md"
    git_project.commit({name: synthetic.notice_at(1, 0)})
    notice = git_project.root / "source" / name
    found = git_history.material_versions(git_project.root, [notice])
    assert found.problems == {} and len(found.versions[notice]) == 1

    notice.write_text(notice.read_text(encoding="utf-8") + "\nWords without an entry.\n",
                      encoding="utf-8")
    assert list(git_history.material_versions(git_project.root, [notice]).problems) == [notice]

    git_project.git("checkout", "--", "source")
    synthetic.edit_notice(notice, "Edited in run 1.")
    edited = git_history.material_versions(git_project.root, [notice])
    assert edited.problems == {}, edited.problems
    assert "Edited in run 1." in edited.versions[notice][-1].text
