"""Every variable a person may set reaches the Makefile's commands as written.

The Makefile's recipes run against a stand-in virtual environment whose
programs only record the arguments they were given, so each target's command
is checked as it really runs (through make and the shell), in milliseconds.
Each value holds what would run a command, or split into several arguments,
if it reached a recipe's text: a marker file that must never appear.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

STRICT = ["-c", ".", "-W", "--keep-going", "-n"]


def hostile(marker: Path) -> str:
    """Text that runs ``touch marker`` if make or a shell reads it as code."""
    return (f"x;touch {marker}; $(shell touch {marker}) $(touch {marker}) `touch {marker}` "
            f"'\"$HOME *")


class Recorder:
    """A stand-in virtual environment: python, sphinx-build and pymarkdown log their argv."""

    def __init__(self, root: Path, venvdir: Path) -> None:
        self.log = root / "argv.jsonl"
        self.marker = root / "pwned"
        self.venvdir = venvdir
        (venvdir / "bin").mkdir(parents=True)
        self.program = root / "record"
        self.program.write_text(
            f"#!{sys.executable}\nimport json, os, sys\n"
            f"with open({str(self.log)!r}, 'a', encoding='utf-8') as log:\n"
            "    log.write(json.dumps([sys.argv, os.environ.get('PYTEST_ADDOPTS')]) + '\\n')\n",
            encoding="utf-8",
        )
        self.program.chmod(0o755)
        for name in ("python", "sphinx-build", "pymarkdown"):
            (venvdir / "bin" / name).symlink_to(self.program)

    def make(self, *args: str, installed: bool = True) -> tuple[subprocess.CompletedProcess,
                                                                 list[list[str]]]:
        self.log.unlink(missing_ok=True)
        if installed:
            (self.venvdir / ".installed").touch()
        process = subprocess.run(
            ["make", "--no-print-directory", "-C", str(ROOT),
             # The stand-in is installed: make must not reinstall it.
             *(["-o", f"{self.venvdir}/.installed"] if installed else []),
             f"VENVDIR={self.venvdir}", *args],
            capture_output=True, text=True, check=False,
        )
        assert not self.marker.exists(), f"a value reached make or a shell as code: {args[0]}"
        runs = []
        self.environ = []
        if self.log.exists():
            for line in self.log.read_text(encoding="utf-8").splitlines():
                (program, *argv), addopts = json.loads(line)
                runs.append([Path(program).name, *argv])
                self.environ.append(addopts)
        return process, runs


@pytest.fixture
def recorder(tmp_path) -> Recorder:
    # No space, ':' or ';' (make names files with VENVDIR), but quotes, `$`
    # and a command substitution a shell would run.
    return Recorder(tmp_path, tmp_path / f"venv'\"$HOME$(touch${{IFS}}{tmp_path}/pwned)")


@pytest.fixture
def values(tmp_path) -> dict[str, str]:
    marker = tmp_path / "pwned"
    bad = hostile(marker)
    return {
        "BUILDDIR": f"{tmp_path}/build {bad}",
        "SOURCEDIR": f"{tmp_path}/source {bad}",
        "PORT": f"8123 {bad}",
        "PAPER": f"a4 {bad}",
        "PDFCACHE": f"{tmp_path}/pdf cache {bad}",
        "SPHINXJOBS": f"2 {bad}",
        "TODAY": f"2025-01-01 {bad}",
        "SPHINXOPTS": f"-D a=1 -D 'b=2' {bad}",
        "LINKCHECKOPTS": f"--max-seconds 300 {bad}",
        "BENCHFLAGS": f"--quick {bad}",
        "TESTJOBS": f"2 {bad}",
        "SRC": f"{tmp_path}/site {bad}",
    }


def assignments(values: dict[str, str]) -> list[str]:
    return [f"{name}={value}" for name, value in values.items()]


def test_each_target_gets_each_value_as_one_argument(recorder, values):
    """A path or a single value is one argument, exactly as written; an option
    list is split at whitespace and nothing else."""
    build, source = values["BUILDDIR"], values["SOURCEDIR"]
    opts = values["SPHINXOPTS"].split()
    flags = [*STRICT, "-j", values["SPHINXJOBS"], *opts]
    today = ["-D", f"policy_today={values['TODAY']}"]
    cache = values["PDFCACHE"]
    check_inputs = ["python", "-m", "tools.check_build_inputs", "--", source]
    expected = {
        "html": [check_inputs, ["sphinx-build", "-b", "dirhtml", *flags, *today,
                                "-D", "policy_pdf_publish=1", "-D", f"policy_pdf_cache_dir={cache}",
                                "--", source, f"{build}/html"]],
        "pdf": [check_inputs, ["sphinx-build", "-b", "pdf", *flags, *today,
                               "-D", f"policy_pdf_paper={values['PAPER']}",
                               "-D", f"policy_pdf_cache_dir={cache}", "--", source,
                               f"{build}/pdf"]],
        "serve": [["python", "-m", "tools.serve", "--port", values["PORT"], "--", source,
                   f"{build}/html"]],
        "bench": [["python", "-m", "benchmarks.run", *values["BENCHFLAGS"].split()]],
        "test": [["python", "-m", "pytest", "-n", values["TESTJOBS"], "--dist", "loadfile"]],
        "test-fast": [["python", "-m", "pytest", "-m", "not browser and not pdf",
                       "-n", values["TESTJOBS"], "--dist", "loadfile"]],
        "lint": [["python", "-m", "tools.lint", "--builddir", f"{build}/lint"]],
        "format": [["python", "-m", "tools.typography", "--", source],
                   ["pymarkdown", "--config", "pyproject.toml", "-d", "md001", "fix", "-r",
                    "--", source]],
        "import": [["python", "-m", "tools.mkdocs_import", "--report-dir", f"{build}/import",
                    "--", values["SRC"]]],
        "linkcheck": [["python", "-m", "tools.linkcheck", "--builddir", build,
                       *values["LINKCHECKOPTS"].split()]],
        "screenshots": [
            ["python", "-m", "tools.screenshots", f"{build}/html", f"{build}/screenshots"]],
        # The catch-all: any other name is a Sphinx builder, the name one argument.
        f"text;touch {recorder.marker}": [
            ["sphinx-build", "-M", f"text;touch {recorder.marker}", source, build, *flags]],
    }
    for target, commands in expected.items():
        process, runs = recorder.make(target, *assignments(values))
        assert process.returncode == 0, (target, process.stderr)
        if target == "screenshots":  # after the site is built
            commands = expected["html"] + commands
        assert runs == commands, target
    html, _ = recorder.make("html", *assignments(values))
    assert html.stdout.splitlines()[-1] == (
        f"To look at the pages: make serve, then open http://127.0.0.1:{values['PORT']}/")


def test_option_lists_are_never_globbed(recorder, tmp_path):
    (tmp_path / "matches-a-glob").touch()
    process, runs = recorder.make("linkcheck", f"LINKCHECKOPTS={tmp_path}/*")
    assert process.returncode == 0, process.stderr
    assert runs == [["python", "-m", "tools.linkcheck", "--builddir", "_build",
                     f"{tmp_path}/*"]]


def test_sphinxbuild_is_a_command_split_into_words(recorder):
    command = f"{recorder.program} --as-sphinx {hostile(recorder.marker)}"
    process, runs = recorder.make("html", f"SPHINXBUILD={command}")
    assert process.returncode == 0, process.stderr
    # runs[0] is the check of the build's inputs, before Sphinx.
    assert runs[1][:len(command.split())] == ["record", *command.split()[1:]]
    assert runs[1][len(command.split()):] == [
        "-b", "dirhtml", *STRICT, "-j", "1", "-D", "policy_pdf_publish=1",
        "-D", "policy_pdf_cache_dir=.cache/pdf", "--", "source", "_build/html"]
    # Empty: the one in VENVDIR.
    process, runs = recorder.make("html", "SPHINXBUILD=")
    assert process.returncode == 0, process.stderr
    assert runs[1][:3] == ["sphinx-build", "-b", "dirhtml"]


def test_python_is_a_command_split_into_words(recorder):
    """`make venv` runs PYTHON; the rest runs from VENVDIR, one argument."""
    command = f"{recorder.program} -I {hostile(recorder.marker)}"
    process, runs = recorder.make("venv", f"PYTHON={command}", installed=False)
    assert process.returncode == 0, process.stderr
    venv = str(recorder.venvdir)
    assert runs == [
        ["record", *command.split()[1:], "-m", "venv", venv],
        ["python", "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
        ["python", "-m", "pip", "install", "--quiet", "--requirement", "requirements.txt"],
    ]
    assert (recorder.venvdir / ".installed").is_file()


def test_an_option_given_as_a_path_stays_a_path(recorder):
    process, runs = recorder.make("import", "SRC=--project=/tmp")
    assert process.returncode == 0, process.stderr
    assert runs == [["python", "-m", "tools.mkdocs_import", "--report-dir", "_build/import",
                     "--", "--project=/tmp"]]


@pytest.mark.parametrize("name", ["BUILDDIR", "SOURCEDIR", "VENVDIR"])
def test_a_path_that_reads_as_an_option_is_refused(recorder, name):
    process, runs = recorder.make("clean", f"{name}=-rf")
    assert process.returncode == 2 and runs == []
    assert f"{name} must not start with '-' (write ./-rf for such a path)" in process.stderr
    # Written as a path, it is one.
    process = subprocess.run(["make", "-n", "-C", str(ROOT), "clean", f"{name}=./-rf"],
                             capture_output=True, text=True, check=False)
    assert process.returncode == 0, process.stderr


@pytest.mark.parametrize("value", ["a b", "a;touch {marker}", "a:b"])
def test_venvdir_make_cannot_name_a_file_with_is_refused(tmp_path, value):
    marker = tmp_path / "pwned"
    process = subprocess.run(["make", "-C", str(ROOT), "clean-venv",
                              f"VENVDIR={value.format(marker=marker)}"],
                             capture_output=True, text=True, check=False)
    assert process.returncode == 2
    assert "VENVDIR is a file name in make's rules: it cannot hold a space, ':' or ';'" \
        in process.stderr
    assert not marker.exists()


def test_clean_removes_the_build_folder_as_named(recorder, tmp_path):
    build = tmp_path / f"out {hostile(recorder.marker)}"
    (build / "html").mkdir(parents=True)
    # What a split value would name instead.
    (tmp_path / "out").mkdir()
    process, _ = recorder.make("clean", f"BUILDDIR={build}")
    assert process.returncode == 0, process.stderr
    assert not build.exists() and (tmp_path / "out").is_dir()


def test_help_lists_the_targets_whatever_makefile_list_holds(recorder):
    process, _ = recorder.make("help")
    assert "  html             Build the site into _build/html" in process.stdout
    process, _ = recorder.make("help", f"MAKEFILE_LIST={hostile(recorder.marker)}")
    assert "html" not in process.stdout


def test_a_variable_the_makefile_does_not_read_is_exported_as_written(recorder):
    # make would expand it to put it in the recipes' environment.
    value = hostile(recorder.marker)
    process, runs = recorder.make("test", f"PYTEST_ADDOPTS={value}")
    assert process.returncode == 0, process.stderr
    assert runs == [["python", "-m", "pytest", "-n", "2", "--dist", "loadfile"]]
    assert recorder.environ == [value]


@pytest.mark.parametrize("target", [
    "help", "venv", "html", "pdf", "serve", "bench", "test", "test-fast", "lint", "format", "redline",
    "check-addresses", "import", "linkcheck", "screenshots", "lock", "clean", "clean-venv",
    "text",
])
def test_no_value_is_written_into_a_command(recorder, values, target):
    """What make prints (make -n) is the commands' text: no value is in it."""
    given = {**values, "BASE": values["SRC"], "HEAD": values["SRC"],
             "PYTHON": f"python3 {hostile(recorder.marker)}",
             "SPHINXBUILD": f"sphinx-build {hostile(recorder.marker)}"}
    process, runs = recorder.make("-n", target, *assignments(given))
    assert process.returncode == 0, process.stderr
    assert runs == []
    assert str(recorder.marker) not in process.stdout
    assert str(recorder.venvdir) not in process.stdout
