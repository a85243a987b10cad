"""policy_sphinx_extensions/build/messages.py and `make html`'s output: each message an
editor may meet says, in plain words, what to change, at the source's file and line."""

from __future__ import annotations

import os
import subprocess

import pytest
from conftest import HOME_PAGE, NOTICE_FRONT_MATTER, ROOT, write_project

NOTICE = NOTICE_FRONT_MATTER + "\n# Example Notice\n\n"
FIRST_LINE = NOTICE.count("\n") + 1
# The messages; the processors, whose role a misspelt one is told; the
# navigation every page needs.
EXTENSIONS = ["policy_sphinx_extensions.build.messages", "policy_sphinx_extensions.processors",
              "policy_sphinx_extensions.navigation"]


def warnings_of(build) -> list[str]:
    return [line for line in build.output.splitlines() if "WARNING" in line]


def test_a_misspelt_role_names_the_nearest_valid_one(project):
    build = project({
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE + "Shared with {procesor}`Fastly <fastly>`.\n\n"
        "Also {zzqx}`text`.\n",
    }, extensions=EXTENSIONS)
    assert build.returncode != 0
    role, unknown = warnings_of(build)
    assert f"example/Notice.md:{FIRST_LINE}: WARNING: " in role
    assert "No role has this name: did you mean {processor}? [myst.role_unknown]" in role
    assert f"example/Notice.md:{FIRST_LINE + 2}: " in unknown
    assert "No role has this name: check its spelling. [myst.role_unknown]" in unknown


def test_a_role_written_right_draws_no_warning(project):
    build = project({
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE + "(here)=\n## Part\n\nSee {ref}`the part <here>`.\n",
    }, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert warnings_of(build) == []


def test_a_misspelt_directive_names_the_nearest_valid_one(project):
    build = project({
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE + "```{notte}\nA note.\n```\n",
    }, extensions=EXTENSIONS)
    (warning,) = warnings_of(build)
    assert f"example/Notice.md:{FIRST_LINE}: " in warning
    assert "'notte'. No directive has this name: did you mean {note}?" in warning


def test_a_link_to_a_missing_id_says_what_to_change(project):
    build = project({
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE + "## Information we collect\n\n"
        "See [what we collect](#information-we-colect) and [this](#zzqx).\n",
    }, extensions=EXTENSIONS)
    near, far = sorted(warnings_of(build), key=lambda line: "zzqx" in line)
    assert f"example/Notice.md:{FIRST_LINE + 2}: " in near
    assert "The part after # must be the id of a heading or of a (label)= line" in near
    assert "(did you mean #information-we-collect?)" in near
    assert "add the line (information-we-colect)= above the heading" in near
    assert near.endswith("[myst.xref_missing]")
    assert "did you mean" not in far and "add the line (zzqx)= above" in far


def test_no_settings_dump_unless_asked(project):
    quiet = project({"index.md": HOME_PAGE}, extensions=EXTENSIONS)
    assert quiet.returncode == 0, quiet.output
    assert "MdParserConfig" not in quiet.output
    verbose = project({"index.md": HOME_PAGE}, "dirhtml", "-v", "-E", extensions=EXTENSIONS)
    assert "MdParserConfig(" in verbose.output


def test_a_warning_after_a_half_written_status_line_starts_its_own_line(project):
    # A page no navigation entry leads to is reported while Sphinx checks consistency.
    build = project({
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE,
        "example/Other.md": "---\nkind: guide\n---\n\n# Other\n",
    }, extensions=EXTENSIONS)
    lines = build.output.splitlines()
    assert "checking consistency... " in lines, build.output
    warning = lines[lines.index("checking consistency... ") + 1]
    assert "example/Other.md: WARNING: no entry of" in warning


def test_a_build_without_a_warning_keeps_its_status_lines_whole(project):
    build = project({"index.md": HOME_PAGE, "example/Notice.md": NOTICE}, extensions=EXTENSIONS)
    assert build.returncode == 0, build.output
    assert "checking consistency... done" in build.output.splitlines()


@pytest.mark.pdf  # `make html` publishes the notice's PDF
def test_make_html_prints_no_command_and_no_settings(tmp_path):
    source = write_project(tmp_path / "source", {
        "index.md": HOME_PAGE,
        "example/Notice.md": NOTICE + "Shared with {procesor}`Fastly <fastly>`.\n",
    })
    environment = {**os.environ, "SOURCEDIR": str(source)}
    process = subprocess.run(
        ["make", "html", f"SOURCEDIR={source}", f"BUILDDIR={tmp_path / 'build'}"],
        cwd=ROOT, capture_output=True, text=True, env=environment,
    )
    output = process.stdout + process.stderr
    assert process.returncode != 0
    assert "SPHINXBUILD" not in output and "set -f" not in output
    assert "MdParserConfig" not in output
    assert f"{source}/example/Notice.md:{FIRST_LINE}: WARNING: " in output
    assert "did you mean {processor}?" in output
    assert max(len(line) for line in output.splitlines()) < 400
