"""Small pieces of the web UI: chat bubbles shown as typed, clause references told from keywords, relevant hits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from webapp.render import plain_message
from webapp.ui import looks_like_reference, relevant_hits

ROOT = Path(__file__).resolve().parents[1]


def test_a_chat_bubble_escapes_html_and_markdown_images():
    out = plain_message("<b>粗体</b><img src=http://example.invalid/x.png> ![x](http://example.invalid/y.png)")
    assert "<b>" not in out and "<img" not in out and "&lt;b&gt;" in out
    assert "![" not in out and "\\!\\[x\\]" in out


def test_clause_numbers_in_any_notation_are_references_and_words_are_not():
    for ref in ("4.3.5", "9.9", "四（三）5", "第四部分第（三）项第5条", "longnan-2022-40#4.3.1"):
        assert looks_like_reference(ref), ref
    for words in ("上云补贴", "二级节点补助", "申报材料"):
        assert not looks_like_reference(words), words


def test_a_hit_must_contain_most_of_the_querys_words_to_be_shown():
    hits = [{"text": "鼓励支持工业企业上云，根据企业上云的不同阶段给予补贴", "heading_path": [], "units": []},
            {"text": "对规模以上企业已竣工的技改项目给予奖补", "heading_path": [], "units": []}]
    assert relevant_hits("上云补贴", hits) == hits[:1]
    assert relevant_hits("火星移民补贴", hits) == []
    assert relevant_hits("多少", hits) == []  # nothing but question words


def chat(text: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli", "chat", "--no-llm"], input=text, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_the_cli_chat_ends_on_exit_quit_or_tuichu():
    for word in ("退出", "exit", "quit", "QUIT"):
        result = chat(f"{word}\n上云补贴比例是多少？\n")
        assert result.returncode == 0, result.stderr
        assert "四（三）5" not in result.stdout, word  # nothing after the exit word was answered


def test_the_greeting_lists_its_examples_once_and_not_as_facts_still_needed():
    result = chat("你好\n退出\n")
    assert result.returncode == 0, result.stderr
    assert "还需了解" not in result.stdout
    assert result.stdout.count("上云补贴比例是多少？") == 1
