"""Pull-request previews and the pull-request address check are wired to the Makefile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import ROOT


def make_dry_run(*args: str) -> str:
    process = subprocess.run(["make", "-n", *args], cwd=ROOT, capture_output=True, text=True,
                             check=False)
    assert process.returncode == 0, process.stderr
    return process.stdout


def test_read_the_docs_builds_the_site_with_make_html():
    config = yaml.safe_load((ROOT / ".readthedocs.yaml").read_text(encoding="utf-8"))
    assert config["version"] == 2
    assert config["build"]["tools"]["python"] == "3.11"
    commands = config["build"]["commands"]
    # After fetching the history the notices' versions are built from.
    assert [command for command in commands if command.startswith("make html")] == [commands[1]]
    assert "git fetch --unshallow" in commands[0]
    # Read the Docs publishes what is in $READTHEDOCS_OUTPUT/html.
    assert any("$READTHEDOCS_OUTPUT/html" in command for command in commands)


def test_pull_request_workflow_runs_the_address_check():
    workflow = yaml.safe_load(
        (ROOT / ".github/workflows/addresses.yml").read_text(encoding="utf-8")
    )
    # YAML reads the key `on` as True.
    assert "pull_request" in workflow[True]
    steps = workflow["jobs"]["check-addresses"]["steps"]
    checkout = next(step for step in steps if step.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the base revision must be in the clone
    runs = [step["run"] for step in steps if "run" in step]
    assert any(run.startswith("make check-addresses BASE=") for run in runs)


def test_make_targets_need_a_base_and_pass_the_revisions_through_the_environment():
    for target in ("redline", "check-addresses"):
        process = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True,
                                 text=True, check=False)
        assert process.returncode != 0
        assert f"BASE is required: make {target} BASE=<git revision>" in process.stderr
    # The values are never written into the command the shell runs.
    assert '-m tools.redline --base="$BASE" --head="$HEAD" --out "$BUILDDIR/redline"' in (
        make_dry_run("redline", "BASE=v1", "HEAD=v2"))
    assert '-m tools.check_addresses --base="$BASE" --head="$HEAD"' in make_dry_run(
        "check-addresses", "BASE=v1")


# Values a branch name or a careless paste could hold: each would run a command
# if it reached the shell or make unquoted, or be read by git as an option.
HOSTILE = [
    "x';touch {marker};'",
    'x";touch {marker};"',
    "$(shell touch {marker})",
    "`touch {marker}`",
    "--output={marker}",
]


@pytest.mark.parametrize("target", ["redline", "check-addresses"])
def test_hostile_revision_reaches_no_shell_and_is_a_clear_error(target, tmp_path):
    venv = Path(sys.prefix)
    for template in HOSTILE:
        marker = tmp_path / "created"
        value = template.format(marker=marker)
        # As BASE and as HEAD at once: each passes make and the shell, and git
        # is asked about the first one the tool resolves.
        process = subprocess.run(
            # The environment the tests run in is used as it is, never reinstalled.
            ["make", "-o", f"{venv}/.installed", f"VENVDIR={venv}", f"BUILDDIR={tmp_path}",
             target, f"BASE={value}", f"HEAD={value}"],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )
        assert not marker.exists(), f"{value} ran a command"
        assert process.returncode == 2, process.stdout + process.stderr
        assert f"{value!r} is not a revision of the git repository" in process.stderr
        assert "git branch --all, git tag, git log --oneline" in process.stderr
