"""CLI hygiene: unwritable outputs, no stacks, NO_COLOR, progress on stderr, long reasons wrapped,
files that are not UTF-8 and other bad input as one line, and --format help per command."""

from __future__ import annotations

import contextlib
import io
import json
import re
import time

import click
import pytest
import yaml
from click.testing import CliRunner

from gnnstack.cli import main
from gnnstack.options import OPTIONS
from gnnstack.cli import output as cli_output
from gnnstack.cli.options import FORMATS

from .conftest import ROOT, base_scenario, make_project

ANSI = "\x1b["
NOT_UTF8 = b"\xff\xfec\x00o\x00n\x00f\x00i\x00g\x00:\x00\n\x00"  # UTF-16 with its byte-order mark


def invoke(args, env=None, **kwargs):
    return CliRunner().invoke(main, list(args), env=env or {}, **kwargs)


def one_error_line(result, code: int = 2) -> str:
    """The result is exit `code` with a single `error: ...` line and no traceback; that line."""
    assert result.exit_code == code, (result.exit_code, result.output, result.exception)
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


# --------------------------------------------------------------------------- 1. --output


@pytest.mark.parametrize("args,path", [
    (["check", "seed-analysis", "--output", "/nonexistent/dir/x.json"], "/nonexistent/dir/x.json"),
    (["check", "seed-analysis", "--format", "json", "--output", "/nonexistent/dir/x.json"], "/nonexistent/dir/x.json"),
    (["usage", "template", "experiment", "-o", "/nonexistent/x.yaml"], "/nonexistent/x.yaml"),
], ids=["check-text", "check-json", "usage-template"])
def test_an_unwritable_output_is_one_line_and_exit_2(args, path):
    line = one_error_line(invoke(args))
    assert line == f"error: cannot write {path}: No such file or directory"


def test_an_output_that_is_a_folder_is_one_line(tmp_path):
    assert one_error_line(invoke(["check", "seed-analysis", "--output", str(tmp_path)])) == \
        f"error: cannot write {tmp_path}: Is a directory"


def test_a_pricing_failure_with_json_still_records_it_then_exits_2(tmp_path):
    root = make_project(tmp_path, base_scenario(bugdet={"monthly_usd": 1}))
    out = tmp_path / "check.json"
    result = invoke(["check", "--format", "json", "--output", str(out)], env={"GNNSTACK_PROJECT": str(root)})
    assert "bugdet" in one_error_line(result)
    record = json.loads(out.read_text())
    assert record["status"] == "failed" and "bugdet" in record["error"]
    # ... and when even the record cannot be written, that is the one line.
    result = invoke(["check", "--format", "json", "--output", str(tmp_path / "no" / "x.json")],
                    env={"GNNSTACK_PROJECT": str(root)})
    assert one_error_line(result) == f"error: cannot write {tmp_path / 'no' / 'x.json'}: No such file or directory"


def test_an_unwritable_github_step_summary_is_one_line(tmp_path):
    summary = tmp_path / "missing" / "summary.md"
    result = invoke(["check", "seed-analysis", "--format", "github"], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert result.output.splitlines()[-1] == f"error: cannot write {summary}: No such file or directory"


def test_reports_written_to_files_are_plain_text_even_when_colour_is_forced(tmp_path):
    out = tmp_path / "check.txt"
    result = invoke(["check", "seed-analysis", "--output", str(out)], color=True)
    assert result.exit_code == 0 and result.output == ""
    text = out.read_text()
    assert "Guardrails (experiment)" in text and ANSI not in text


def test_write_output_appends_and_names_the_file(tmp_path):
    target = tmp_path / "a.txt"
    cli_output.write_output("one\n", str(target))
    cli_output.write_output("two\n", str(target), append=True)
    assert target.read_text() == "one\ntwo\n"
    with pytest.raises(Exception) as e:
        cli_output.write_output("x", str(tmp_path / "nope" / "a.txt"))
    assert str(e.value) == f"cannot write {tmp_path / 'nope' / 'a.txt'}: No such file or directory"


# --------------------------------------------------------------------------- 2. no stacks


def _empty_project(tmp_path):
    root = make_project(tmp_path, base_scenario())
    (root / "stacks" / "Pulumi.demo.yaml").unlink()
    return root


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "sarif"], ["budgets"], ["reap"]])
def test_no_stack_files_is_an_error_not_a_pass(tmp_path, args):
    root = _empty_project(tmp_path)
    line = one_error_line(invoke(args, env={"GNNSTACK_PROJECT": str(root)}))
    assert line == (f"error: no stack files under stacks/ (looked in {(root / 'stacks').resolve()}); "
                    "create stacks/Pulumi.<stack>.yaml")


def test_no_stack_files_with_json_records_the_failure(tmp_path):
    root = _empty_project(tmp_path)
    result = CliRunner().invoke(main, ["check", "--format", "json"], env={"GNNSTACK_PROJECT": str(root)})
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"].startswith("no stack files under stacks/")


# --------------------------------------------------------------------------- 3. NO_COLOR


COLOURED = [
    ["preview", "experiment"],
    ["compare", "experiment"],
    ["check", "experiment"],
    ["guardrails", "list"],
    ["usage", "fields"],
]


@pytest.mark.parametrize("args", COLOURED, ids=[" ".join(a) for a in COLOURED])
def test_no_color_turns_off_all_styling_even_on_a_terminal(args):
    styled = invoke(args, color=True)  # color=True: as on a terminal
    assert styled.exit_code in (0, 1) and ANSI in styled.output  # the command does style its output
    assert ANSI in invoke(args, env={"NO_COLOR": ""}, color=True).output  # empty: not set
    plain = invoke(args, env={"NO_COLOR": "1"}, color=True)
    assert plain.exit_code == styled.exit_code
    assert ANSI not in plain.output and click.unstyle(styled.output) == plain.output


@pytest.mark.parametrize("args", [["--help"], ["preview", "--help"], ["preview", "no-such-stack"],
                                  ["prices", "list", "--filter", "glue"], ["prices", "audit", "--against",
                                                                           str(ROOT / "prices" / "seed-analysis.csv")]])
def test_no_color_everywhere_else_too(args):
    assert ANSI not in invoke(args, env={"NO_COLOR": "true"}, color=True).output


def test_styling_is_stripped_when_not_on_a_terminal():
    assert ANSI not in invoke(["guardrails", "list"]).output  # CliRunner's default: not a terminal


# --------------------------------------------------------------------------- 4. progress


def _terminal():
    from rich.console import Console

    buf = io.StringIO()
    return Console(file=buf, force_terminal=True, width=120), buf


def test_progress_shows_nothing_when_stderr_is_not_a_terminal(monkeypatch):
    import rich.console

    # Even a console that would draw (rich's own terminal check passed) is never created.
    console, buf = _terminal()
    monkeypatch.setattr(rich.console, "Console", lambda stderr=True: console)
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        with cli_output.progress("capturing experiment", delay=0):
            time.sleep(0.15)
    assert err.getvalue() == "" and buf.getvalue() == ""
    monkeypatch.setattr(cli_output, "PROGRESS_DELAY", 0)
    result = CliRunner().invoke(main, ["preview", "experiment"])  # CliRunner: stderr is not a terminal
    assert result.exit_code == 0 and result.stderr == "" and buf.getvalue() == ""


def test_progress_shows_the_message_on_a_terminal_then_clears_it():
    console, buf = _terminal()
    with cli_output.progress("capturing experiment under Pulumi's mocks", console=console, delay=0):
        time.sleep(0.3)
    assert "capturing experiment under Pulumi's mocks" in buf.getvalue()
    assert "\x1b[2K" in buf.getvalue()[-40:]  # transient: the line is erased at the end


def test_progress_waits_a_second_before_showing_anything():
    console, buf = _terminal()
    with cli_output.progress("quick step", console=console):  # the default delay
        pass
    assert buf.getvalue() == ""
    with cli_output.progress("slow step", console=console, delay=0.05):
        time.sleep(0.6)
    assert "slow step" in buf.getvalue()


def test_progress_errors_still_propagate():
    console, _ = _terminal()
    with pytest.raises(ValueError):
        with cli_output.progress("step", console=console, delay=0):
            raise ValueError("boom")


@pytest.mark.parametrize("args,expected", [
    (["preview", "experiment", "--format", "json"], ["experiment: running the Pulumi program"]),
    (["check", "experiment", "seed-analysis", "--format", "json"],
     ["check: experiment (1/2)", "check: seed-analysis (2/2)"]),
    (["compare", "experiment", "--format", "json"],
     [f"experiment: {OPTIONS[0]} (1/{len(OPTIONS)}): pricing",
      f"experiment: {OPTIONS[-1]} ({len(OPTIONS)}/{len(OPTIONS)}): pricing"]),
], ids=["preview", "check", "compare"])
def test_commands_show_progress_on_a_terminal_stderr_and_keep_stdout_clean(monkeypatch, args, expected):
    import rich.console

    console, buf = _terminal()
    monkeypatch.setattr(cli_output, "is_terminal", lambda stream: True)
    monkeypatch.setattr(cli_output, "PROGRESS_DELAY", 0)
    monkeypatch.setattr(rich.console, "Console", lambda stderr=True: console)
    result = CliRunner().invoke(main, args)
    json.loads(result.stdout)  # nothing but the report on stdout
    assert ANSI not in result.stdout and result.stderr == ""
    for text in expected:
        assert text in buf.getvalue(), buf.getvalue()


# --------------------------------------------------------------------------- 5. wrapped, never cut


def test_long_waiver_reasons_are_wrapped_never_cut():
    config = yaml.safe_load((ROOT / "guardrails" / "config.yaml").read_text())
    reason = next(w["reason"] for w in config["waivers"] if w["resource"] == "*-db-cluster")
    assert len(reason) > 100
    out = invoke(["preview", "experiment"]).output
    block = out[out.index("Guardrails (experiment)"):out.index("Defaults used")].splitlines()[:-1]
    assert reason in " ".join(" ".join(block).split())
    assert all(len(line) <= 100 for line in block), block
    assert any(line.startswith("      ") for line in block)  # a hanging indent under "  waived"


def test_verdict_text_wraps_messages_and_reasons_to_the_width():
    from datetime import date

    from gnnstack.guardrails.config import Waiver
    from gnnstack.guardrails.evaluate import Verdict, Violation
    from gnnstack.outputs.table import verdict_text

    reason = " ".join(f"word{i}" for i in range(60))
    message = " ".join(f"because{i}" for i in range(40))
    v = Verdict("demo", "experiment",
                violations=[Violation("monthly-budget", "mandatory", "demo-budget", message)],
                waived=[(Violation("worst-case-ceiling", "advisory", "demo-db", "x"),
                         Waiver(rule="worst-case-ceiling", resource="*-db", reason=reason, expires=date(2030, 1, 1)))])
    text = click.unstyle(verdict_text(v))
    joined = " ".join(text.split())
    assert reason in joined and message in joined
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "  mandatory monthly-budget: demo-budget: because0" in text


# --------------------------------------------------------------------------- 6. bad files, one line


def test_a_stack_file_that_is_not_utf8(tmp_path):
    root = make_project(tmp_path, base_scenario())
    (root / "stacks" / "Pulumi.demo.yaml").write_bytes(NOT_UTF8)
    for args in (["preview", "demo"], ["check"]):
        line = one_error_line(invoke(args, env={"GNNSTACK_PROJECT": str(root)}))
        assert line == (f"error: {root / 'stacks' / 'Pulumi.demo.yaml'}: the stack file is not UTF-8 text "
                        "(byte 0xff at offset 0); save it as UTF-8")


def test_a_price_file_that_is_not_utf8(tmp_path):
    bad = tmp_path / "prices.csv"
    bad.write_bytes(NOT_UTF8)
    for args in (["preview", "seed-analysis", "--prices", str(bad)], ["prices", "list", "--prices", str(bad)],
                 ["prices", "audit", "--against", str(bad)]):
        assert one_error_line(invoke(args)) == \
            f"error: price file {bad} is not UTF-8 text (byte 0xff at offset 0); save it as UTF-8"


def test_a_price_file_with_a_byte_order_mark_is_read(tmp_path):
    from gnnstack.costing.catalog import read

    plain = ROOT / "prices" / "seed-analysis.csv"
    with_bom = tmp_path / "seed-analysis.csv"
    with_bom.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())  # as a spreadsheet exports UTF-8
    assert [p.to_json() for p in read(with_bom, "x")] == [p.to_json() for p in read(plain, "x")]


def test_a_usage_file_that_is_not_utf8(tmp_path):
    bad = tmp_path / "usage.yaml"
    bad.write_bytes(NOT_UTF8)
    for args in (["preview", "experiment", "--usage", str(bad)], ["check", "experiment", "--usage", str(bad)]):
        assert one_error_line(invoke(args)) == \
            f"error: {bad}: the usage file is not UTF-8 text (byte 0xff at offset 0); save it as UTF-8"


@pytest.mark.parametrize("value", ["yesterday", "2026-13-45", "now"])
def test_a_malformed_gnnstack_now(tmp_path, value):
    root = make_project(tmp_path, base_scenario())
    line = one_error_line(invoke(["preview", "demo"], env={"GNNSTACK_PROJECT": str(root), "GNNSTACK_NOW": value}))
    assert line == f"error: GNNSTACK_NOW is '{value}': use ISO 8601, e.g. 2026-11-23T10:30:00Z"


def test_a_stack_path_that_is_a_folder(tmp_path):
    root = make_project(tmp_path, base_scenario())
    (root / "stacks" / "Pulumi.experiment.yaml").mkdir()
    for args in (["preview", "experiment"], ["check"]):
        assert one_error_line(invoke(args, env={"GNNSTACK_PROJECT": str(root)})) == \
            "error: stacks/Pulumi.experiment.yaml is a folder, not a stack file"


def test_reap_refuses_json_without_a_dry_run():
    line = one_error_line(invoke(["reap", "--no-dry-run", "--format", "json"]))
    assert "--format json" in line and "--no-dry-run" in line


# --------------------------------------------------------------------------- 7. --format per command


EXPECTED_FORMATS = {
    ("preview",): ("table", "json", "markdown"),
    ("estimate",): ("table", "json", "markdown"),
    ("compare",): ("table", "json", "markdown"),
    ("solve",): ("table", "json"),
    ("check",): ("text", "json", "sarif", "junit", "github"),
    ("diff",): ("table", "json", "markdown", "github"),
    ("prices", "list"): ("table", "json"),
    ("prices", "audit"): ("table", "json"),
    ("prices", "coverage"): ("table", "json"),
    ("guardrails", "list"): ("table", "json"),
    ("budgets",): ("table", "json"),
    ("actuals",): ("table", "json"),
    ("reap",): ("table", "json"),
}


ELSEWHERE: set[tuple[str, ...]] = set()


def _commands(group, path=()):
    ctx = click.Context(group)  # list_commands/get_command: the lazy top-level group loads on demand
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if (*path, name) in ELSEWHERE:
            continue
        if isinstance(command, click.Group):
            yield from _commands(command, (*path, name))
        else:
            yield (*path, name), command


def test_every_format_option_offers_and_describes_exactly_its_formats():
    seen = {}
    for path, command in _commands(main):
        fmt = next((p for p in command.params if p.name == "fmt"), None)
        if fmt is None:
            continue
        seen[path] = tuple(fmt.type.choices)
        labels = re.findall(r"(?:^|; )([a-z]+): ", fmt.help)
        assert tuple(labels) == seen[path], (path, fmt.help)
        for name, meaning in FORMATS.items():
            if name in seen[path]:
                assert f"{name}: {meaning}" in fmt.help, (path, name)
            else:
                assert name not in fmt.help.lower(), (path, name, fmt.help)
        assert fmt.default == seen[path][0]
    assert seen == EXPECTED_FORMATS


@pytest.mark.parametrize("path", list(EXPECTED_FORMATS), ids=[" ".join(p) for p in EXPECTED_FORMATS])
def test_help_lists_exactly_the_formats(path):
    out = invoke([*path, "--help"]).output
    formats = EXPECTED_FORMATS[path]
    assert f"--format [{'|'.join(formats)}]" in out
    help_line = " ".join(out[out.index("--format ["):].split("[default:")[0].split())
    for name in FORMATS:
        assert (f"{name}: " in help_line) == (name in formats), (path, name, help_line)


def test_a_guardrail_config_that_is_not_utf8_is_one_line(tmp_path):
    bad = tmp_path / "g.yaml"
    bad.write_bytes(b"version: 1\n\xff\xfe\n")
    result = invoke(["check", "experiment", "--guardrails", str(bad)])
    assert result.exit_code == 2 and "the guardrail config is not UTF-8 text (byte 0xff" in result.output
    assert "Traceback" not in result.output
