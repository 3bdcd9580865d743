"""The command line speaks Chinese even where the framework writes the message: usage errors and help."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from cli import app

ENGLISH = re.compile(r"No such option|Missing (argument|option|parameter)|Invalid value|Show this message|Usage:|"
                     r"Try '|Error\b|Input should be")


def _run(*args: str):
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output + (result.stderr if result.stderr_bytes else "")


@pytest.mark.parametrize("args, chinese", [
    (("ask", "--nope", "问题"), "没有这个选项"),
    (("clause",), "缺少参数"),
    (("eval", "--repeat", "x"), "应为整数"),
    (("eval", "--repeat", "99"), "应不大于 20"),
])
def test_a_usage_error_is_explained_in_chinese_without_english(args, chinese):
    code, out = _run(*args)
    assert code != 0
    assert chinese in out
    assert not ENGLISH.search(out), out


def test_help_is_in_chinese_down_to_the_help_option_itself():
    code, out = _run("--help")
    assert code == 0
    assert "显示本帮助并退出" in out and "用法" in out
    assert not ENGLISH.search(out), out
