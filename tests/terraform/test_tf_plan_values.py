"""Planned values of the dev plan (`terraform show -json`, from tf-check on the stand-in) against
what the code and infra/settings.json say: each function's environment against the names its
settings read, and each queue trigger's batching against its settings.

The names each function reads are not listed here: they are recorded by calling its settings
reader (and the JSON logger's setup) with an environment that notes every name asked for.
"""

from __future__ import annotations

import itertools
import json
import pathlib
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator, Mapping

import pytest

from asyncinfer_enqueue.settings import Settings
from asyncinfer_shared import jsonlog
from asyncinfer_shared.runtime import SettingsError
from asyncinfer_worker.settings import DrainSettings, WorkerSettings

REPO = pathlib.Path(__file__).resolve().parents[2]
TF_CHECK = REPO / ".ci" / "standin" / "tfcheck.py"
ROOT = "environments/dev"
SETTINGS = json.loads((REPO / "infra/settings.json").read_text())

# Each function module of the stack and the settings reader its handler starts with.
READERS: dict[str, Callable[[Mapping[str, str]], object]] = {
    "enqueue": Settings.from_env,
    "worker": WorkerSettings.from_env,
    "dead_letters": DrainSettings.from_env,
}
# Names whose value Terraform must pass as the stack has it, whichever function reads them
# (the code's defaults would hide a missing one): where the value comes from in the plan.
MIRRORED = {
    "RESULT_TTL_SECONDS": lambda plan: str(SETTINGS["results"]["result_ttl_seconds"]),
    "MAX_RECEIVE_COUNT": lambda plan: str(SETTINGS["queue"]["max_receive_count"]),
    "LOG_LEVEL": lambda plan: plan["variables"]["log_level"]["value"],
}
PROBES = itertools.count()
# Each queue trigger module and its section of settings.json.
TRIGGERS = {"worker_trigger": "worker", "dead_letters_trigger": "dead_letters"}


class RecordingEnvironment(Mapping[str, str]):
    """Notes every name asked for; each is set to `value` unless it is left out."""

    def __init__(self, value: str = "1", without: frozenset[str] = frozenset()):
        self.asked: set[str] = set()
        self.value = value  # "1" suits every settings reader (names, URLs, positive integers)
        self.without = without

    def __getitem__(self, name: str) -> str:
        self.asked.add(name)
        if name in self.without:
            raise KeyError(name)
        return self.value

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def names_read(function: str, monkeypatch: pytest.MonkeyPatch) -> tuple[set[str], set[str]]:
    """(every name the function's code reads, the ones it cannot start without)."""
    environment = RecordingEnvironment()
    READERS[function](environment)
    logger_environment = RecordingEnvironment(value="INFO")
    with monkeypatch.context() as patch:  # the logger reads os.environ itself
        patch.setattr(jsonlog.os, "environ", logger_environment)
        # a logger of its own each time: get_logger reads LOG_LEVEL only when it configures one
        jsonlog.get_logger(f"tf-plan-values-probe-{next(PROBES)}")
    required = set()
    for name in environment.asked:
        try:
            READERS[function](RecordingEnvironment(without=frozenset({name})))
        except SettingsError:
            required.add(name)
    return environment.asked | logger_environment.asked, required


def dev_plan(tree: pathlib.Path, out: pathlib.Path) -> dict:
    done = subprocess.run(
        [sys.executable, str(TF_CHECK), "--tree", str(tree), "--only", ROOT, "--plan-json", out],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads((out / f"{ROOT.replace('/', '_')}.json").read_text())


def planned(plan: dict, address: str) -> tuple[dict, dict]:
    """A planned resource's known values and its unknown ("known after apply") ones."""
    (change,) = [r["change"] for r in plan["resource_changes"] if r["address"] == address]
    return change["after"], change["after_unknown"]


def environment_problems(plan: dict, function: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    after, unknown = planned(plan, f"module.stack.module.{function}.aws_lambda_function.this")
    known = (after.get("environment") or [{}])[0].get("variables") or {}
    later = (unknown.get("environment") or [{}])[0].get("variables") or {}
    names = set(known) | set(later)
    read, required = names_read(function, monkeypatch)
    problems = [f"{function}: {n} is set but its code never reads it" for n in names - read]
    problems += [f"{function}: {n} is required by its code but not set" for n in required - names]
    for name in sorted(read & MIRRORED.keys()):
        expected = MIRRORED[name](plan)
        if known.get(name) != expected:
            problems.append(
                f"{function}: {name} is {known.get(name)!r}, the stack has {expected!r}"
            )
    return sorted(problems)


def mapping_problems(plan: dict, trigger: str) -> list[str]:
    after, _ = planned(plan, f"module.stack.module.{trigger}.aws_lambda_event_source_mapping.this")
    settings = SETTINGS[TRIGGERS[trigger]]
    actual = {
        "batch_size": after["batch_size"],
        "maximum_batching_window_in_seconds": after["maximum_batching_window_in_seconds"],
        "maximum_concurrency": after["scaling_config"][0]["maximum_concurrency"],
    }
    problems = [
        f"{trigger}: {key} is {value}, settings.json has {settings[key]}"
        for key, value in actual.items()
        if value != settings[key]
    ]
    if after["function_response_types"] != ["ReportBatchItemFailures"]:
        problems.append(f"{trigger}: does not report batch item failures")
    return problems


@pytest.fixture(scope="module")
def plan(tmp_path_factory) -> dict:
    return dev_plan(REPO, tmp_path_factory.mktemp("plan"))


def test_dev_overrides_no_setting(plan):
    """The expected values are settings.json's as they are: dev must not override any."""
    overrides = plan["variables"]["settings_overrides"]["value"]
    assert not any(overrides.values()), overrides


@pytest.mark.parametrize("function", sorted(READERS))
def test_function_environment_is_what_its_code_reads(plan, function, monkeypatch):
    assert environment_problems(plan, function, monkeypatch) == []


@pytest.mark.parametrize("trigger", sorted(TRIGGERS))
def test_queue_trigger_batches_as_its_settings_say(plan, trigger):
    assert mapping_problems(plan, trigger) == []


def test_every_function_module_and_trigger_is_checked(plan):
    functions = {
        r["module_address"].removeprefix("module.stack.module.")
        for r in plan["resource_changes"]
        if r["type"] == "aws_lambda_function"
    }
    mappings = {
        r["module_address"].removeprefix("module.stack.module.")
        for r in plan["resource_changes"]
        if r["type"] == "aws_lambda_event_source_mapping"
    }
    assert functions == set(READERS)
    assert mappings == set(TRIGGERS)


def test_planted_wiring_defects_are_reported(tmp_path, monkeypatch):
    for part in ["environments", "infra", "modules", "lambda"]:
        shutil.copytree(
            REPO / part,
            tmp_path / "tree" / part,
            symlinks=True,
            ignore=shutil.ignore_patterns(".terraform*", "__pycache__"),
        )
    stack = tmp_path / "tree/infra/main.tf"
    text = stack.read_text()
    drain_count = "    MAX_RECEIVE_COUNT = tostring(module.queue.max_receive_count)\n"
    for old, new in [
        # a misspelt name: the code's required QUEUE_URL goes missing
        (
            "    QUEUE_URL          = module.queue.queue_url\n",
            "    QUEUE_URI = module.queue.queue_url\n",
        ),
        # a mirrored setting dropped: the drain's code would quietly use its default
        (
            f"{drain_count}    LOG_LEVEL         = var.log_level\n  }}\n}}\n\n# A record",
            "    LOG_LEVEL = var.log_level\n  }\n}\n\n# A record",
        ),
        ("batch_size                         = local.worker.batch_size", "batch_size = 5"),
    ]:
        assert text.count(old) == 1, f"{old!r} moved (the planted defect needs updating)"
        text = text.replace(old, new)
    stack.write_text(text)
    plan = dev_plan(tmp_path / "tree", tmp_path / "plan")
    assert environment_problems(plan, "enqueue", monkeypatch) == [
        "enqueue: QUEUE_URI is set but its code never reads it",
        "enqueue: QUEUE_URL is required by its code but not set",
    ]
    assert environment_problems(plan, "dead_letters", monkeypatch) == [
        "dead_letters: MAX_RECEIVE_COUNT is None, the stack has '5'"
    ]
    assert mapping_problems(plan, "worker_trigger") == [
        "worker_trigger: batch_size is 5, settings.json has 10"
    ]
