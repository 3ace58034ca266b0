"""The command line as a user meets it: one voice for every command.

A usage mistake is one `error:` line and exit status 1; a mistyped command is answered
like a mistyped key; every command's failure line starts `error:`; colour only on a
terminal and never under NO_COLOR; SPEC defaults to ./tinystack.yaml.
"""

from __future__ import annotations

import importlib.metadata
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from compiler.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parents[1]
MINIMAL = ROOT / "examples" / "minimal.yaml"
# the installed command, as a shell runs it (completion reads its name from argv[0])
CLI = [str(Path(sys.executable).parent / "tsc")]


def _invoke(args: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, args, prog_name="tsc", env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["compile", "--no-such-flag", "x.yaml"],
         "error: no such option '--no-such-flag'. See 'tsc compile --help'."),
        (["compile", "--format", "xml", "examples/minimal.yaml"],
         "error: invalid value for '--format': 'xml' is not one of 'yaml', 'json'. "
         "See 'tsc compile --help'."),
        (["compile", "--ot", "x"], "error: no such option '--ot'. Did you mean '--out'? "
         "See 'tsc compile --help'."),
        (["valdate"], "error: no such command 'valdate'. Did you mean 'validate'?"),
        (["nope"], "error: no such command 'nope'. The commands: "
         + ", ".join(sorted(COMMANDS)) + "."),
    ],
)  # fmt: skip
def test_usage_mistake_is_one_line_and_exit_1(args: list[str], says: str) -> None:
    code, _, err = _invoke(args)
    assert (code, err) == (1, says + "\n")


def test_version_names_the_product() -> None:
    code, out, _ = _invoke(["--version"])
    assert (code, out) == (0, f"tinystack {importlib.metadata.version('tinystack')}\n")


def _failing_commands(tmp_path: Path) -> list[list[str]]:
    bad_prices = tmp_path / "prices.json"
    bad_prices.write_text("{}")
    return [
        ["validate", "--emit-ir", str(MINIMAL), str(MINIMAL)],
        ["cost", str(MINIMAL), "--requests", "many"],
        ["cost", str(MINIMAL), "--prices", str(bad_prices)],
        ["graph", str(MINIMAL), "--stage", "qa", "--format", "dot"],
        ["init", str(tmp_path / "app")],
        ["deploy", str(tmp_path / "nothing-here")],
        ["graph", str(MINIMAL), "--format", "gif"],
        ["lint", str(tmp_path)],  # a folder tsc compile did not write
        ["logs", "--since", "yesterday"],
        # the AWS commands, in a folder with no tinystack.yaml and no remembered deploy
        *([name] for name in ("diff", "destroy", "push", "status", "outputs")),
        ["logs", "--stage", "dev"], ["approve", "--stage", "prod"],
        ["rollback", "--stage", "prod"],
    ]  # fmt: skip


def test_every_command_fails_in_the_same_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each failure that is not a spec's diagnostic is one line starting `error: `."""
    monkeypatch.chdir(tmp_path)
    for args in _failing_commands(tmp_path):
        code, _, err = _invoke(args)
        lines = [line for line in err.splitlines() if not line.startswith(str(MINIMAL))]
        lines = [line for line in lines if not line.endswith(("error", "errors", "warning"))]
        assert code == 1, args
        assert len(lines) == 1 and lines[0].startswith("error: "), (args, err)


def _stderr_on_a_terminal(args: list[str], env: dict[str, str]) -> str:
    """What the command writes to stderr when stderr is a terminal (a pseudo-terminal)."""
    leader, follower = pty.openpty()
    try:
        subprocess.run([*CLI, *args], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=follower, env=env, timeout=120, check=False)  # fmt: skip
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # EIO: the terminal's other side is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode()


def _plain_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    return env | {"TERM": "xterm-256color"} | extra


RED_ERROR = "\x1b[1;31merror\x1b[0m: "


def test_colour_on_a_terminal_none_under_no_color_or_a_pipe(tmp_path: Path) -> None:
    bad = tmp_path / "tinystack.yaml"
    bad.write_text("version: 1\nname: shop\napp: {port: 0}\n")
    for args in (["validate", str(bad)], ["nope"], ["cost", str(bad), "--requests", "x"]):
        coloured = _stderr_on_a_terminal(args, _plain_env())
        assert RED_ERROR in coloured, args
        assert "\x1b[" not in _stderr_on_a_terminal(args, _plain_env(NO_COLOR="1")), args
        piped = subprocess.run([*CLI, *args], capture_output=True, text=True,
                               env=_plain_env(), timeout=120, check=False)  # fmt: skip
        assert piped.stderr.startswith((f"{bad}:1", f"{bad}:3", "error: ")), args
        assert "\x1b[" not in piped.stderr, args


def test_spec_defaults_to_tinystack_yaml_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = _invoke(["validate"])
    assert (code, err) == (1, "tinystack.yaml: error: no such file [TS001]\n1 error, 0 warnings\n")
    shutil.copy(MINIMAL, tmp_path / "tinystack.yaml")
    assert _invoke(["validate"]) == (0, "tinystack.yaml: ok\n", "")
    code, out, _ = _invoke(["compile", "--out", "built"])
    assert code == 0 and out.startswith("wrote built/hello/")
    code, out, _ = _invoke(["cost", "--json"])
    assert code == 0 and '"stack": "hello"' in out
    code, out, _ = _invoke(["graph", "--format", "mermaid"])
    assert code == 0 and "flowchart LR" in out
    for name in ("validate", "compile", "cost", "graph", "deploy", "diff"):
        assert "tinystack.yaml in the current folder" in " ".join(
            _invoke([name, "--help"])[1].split()
        ), name


def test_help_shows_each_summary_whole_on_one_line_at_100_columns() -> None:
    run = subprocess.run([*CLI, "--help"], capture_output=True, text=True, timeout=120,
                         env=os.environ | {"COLUMNS": "100"}, check=True)  # fmt: skip
    out = run.stdout
    for name, entry in COMMANDS.items():
        assert f"  {name.ljust(8)}  {entry.summary}\n" in out, name


def test_every_command_has_help_with_an_example() -> None:
    for name in main.list_commands(None):  # type: ignore[arg-type]
        code, out, _ = _invoke([name, "--help"])
        assert code == 0, name
        assert "tsc " in out.split("Options:")[0], f"{name} --help shows no example"


@pytest.mark.parametrize(
    ("shell", "says"),
    [("bash", "complete -o nosort -F _tsc_completion tsc"),
     ("zsh", "compdef _tsc_completion tsc"),
     ("fish", "complete --no-files --command tsc")],
)  # fmt: skip
def test_shell_completion_script_is_produced(shell: str, says: str) -> None:
    """The script the README tells each shell to load (`_TSC_COMPLETE=<shell>_source tsc`)."""
    run = subprocess.run([*CLI], capture_output=True, text=True, timeout=120, check=False,
                         env=os.environ | {"_TSC_COMPLETE": f"{shell}_source"})  # fmt: skip
    assert run.returncode == 0 and says in run.stdout, run.stdout + run.stderr


def test_completion_offers_commands_and_spec_files(tmp_path: Path) -> None:
    (tmp_path / "tinystack.yaml").write_text("version: 1\nname: shop\n")

    def complete(words: str) -> list[str]:
        env = os.environ | {"_TSC_COMPLETE": "bash_complete", "COMP_WORDS": words,
                            "COMP_CWORD": str(len(words.split()) - (0 if words.endswith(" ")
                                                                     else 1))}  # fmt: skip
        run = subprocess.run([*CLI], capture_output=True, text=True, timeout=120, check=False,
                             env=env, cwd=tmp_path)  # fmt: skip
        return run.stdout.splitlines()

    assert complete("tsc val") == ["plain,validate"]
    assert complete("tsc co") == ["plain,compile", "plain,cost"]
    assert complete("tsc validate ") == ["file,"]  # the shell lists the files itself


def test_the_deploy_extra_installs_what_the_aws_commands_import() -> None:
    """`pip install '.[deploy]'` (the README's step) gives every package whose absence the
    AWS commands answer with that advice."""
    import tomllib

    from compiler.commands.stack_target import _DEPLOY_EXTRAS

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {re.split(r"[<>=\[]", req)[0] for req in extras["optional-dependencies"]["deploy"]}
    assert set(_DEPLOY_EXTRAS) - {"botocore"} <= declared  # botocore comes with boto3
    assert "pip install '.[deploy]'" in (ROOT / "README.md").read_text()


HOOKS = ROOT / ".pre-commit-hooks.yaml"


def test_the_pre_commit_hook_is_a_valid_manifest_and_validates_the_staged_specs(
    tmp_path: Path,
) -> None:
    """pre-commit's own loader accepts the manifest; its `files` pattern picks the specs,
    and its `entry` run on them (as pre-commit passes file names) fails on a bad one."""
    from pre_commit.clientlib import load_manifest

    [hook] = load_manifest(str(HOOKS))
    assert (hook["id"], hook["language"], hook["pass_filenames"]) == (
        "tsc-validate", "python", True,
    )  # fmt: skip
    picks = re.compile(hook["files"])
    staged = ["tinystack.yaml", "svc/api.tinystack.yml", "README.md", "mytinystack.yaml",
              "k8s/deploy.yaml"]  # fmt: skip
    assert [name for name in staged if picks.search(name)] == staged[:2]
    good, bad = tmp_path / "tinystack.yaml", tmp_path / "api.tinystack.yaml"
    shutil.copy(MINIMAL, good)
    bad.write_text("version: 1\nname: api\napp: {port: 0}\n")
    command = [str(Path(sys.executable).parent / hook["entry"].split()[0]),
               *hook["entry"].split()[1:]]  # fmt: skip
    run = subprocess.run([*command, str(good)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    run = subprocess.run([*command, str(good), str(bad)], capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert run.returncode == 1 and f"{bad}:3:13: error: app.port:" in run.stderr
