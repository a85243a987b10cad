"""Pull-request previews and the pull-request address check are wired to the Makefile."""

from __future__ import annotations

import subprocess

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
    assert commands[0].startswith("make html")
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


def test_make_targets_need_a_base_and_pass_the_revisions():
    for target in ("redline", "check-addresses"):
        process = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True,
                                 text=True, check=False)
        assert process.returncode != 0
        assert f"BASE is required: make {target} BASE=<git revision>" in process.stderr
    assert "-m tools.redline --base 'v1' --head 'v2'" in make_dry_run(
        "redline", "BASE=v1", "HEAD=v2")
    assert "-m tools.check_addresses --base 'v1' --head 'HEAD'" in make_dry_run(
        "check-addresses", "BASE=v1")
