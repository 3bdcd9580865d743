"""YAML from users is read by one bounded loader (corpus.yamlsafe): an alias bomb, a huge, deep or malformed file
is refused quickly with a Chinese message naming the file and the line, in evals, profiles and documents alike."""

from __future__ import annotations

import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import pytest

from corpus import CorpusError, read_yaml
from corpus.yamlsafe import YamlError, YamlLimits, load_yaml_file, load_yaml_text
from evals.schema import EvalCaseError
from tools.errors import ProfileError
from tools.profile import Profile

ROOT = Path(__file__).resolve().parents[1]
# like the 404-byte file of the issue: nine levels of nine aliases (9**9 strings once expanded) kept in a case's
# note, then used as its turns; the old validator quoted the expansion back in its error message
BOMB = "cases:\n  - id: bomb\n    note:\n      a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
for level, prev in zip("bcdefghi", "abcdefgh", strict=True):
    BOMB += f"      {level}: &{level} [" + ",".join([f"*{prev}"] * 9) + "]\n"
BOMB += "    turns: *i\n    expect: {abstain: false}\n"
# the same at the top level, ending in a profile field
PROFILE_BOMB = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{level}: &{level} [" + ",".join([f"*{prev}"] * 9) + "]\n" for level, prev in zip("bcdefghi", "abcdefgh", strict=True)
) + "projects: *i\n"


def bounded(fn):
    """Run fn; (its exception, seconds, peak MB of Python allocations)."""
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the test inspects it
        err = e
    else:
        err = None
    took = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return err, took, peak


def test_an_alias_bomb_is_refused_within_a_second_and_a_few_megabytes():
    assert len(BOMB.encode()) < 700
    err, took, peak = bounded(lambda: load_yaml_text(BOMB, "cases.yaml"))
    assert isinstance(err, YamlError)
    assert took < 1.0 and peak < 20, (took, peak)
    assert str(err).startswith("cases.yaml 第") and "已拒绝" in str(err) and err.line is not None


def test_an_alias_bomb_uploaded_to_the_eval_tab_is_refused_without_the_server_path(tmp_path):
    from webapp.evaltab import run_eval
    from webapp.services import Services

    upload = tmp_path / "gradio" / "0f3a9c" / "my-cases.yaml"  # where gradio keeps an upload
    upload.parent.mkdir(parents=True)
    upload.write_text(BOMB, encoding="utf-8")
    services = Services()
    err, took, peak = bounded(lambda: run_eval(services, str(upload)))
    assert isinstance(err, EvalCaseError), err
    assert took < 2.0 and peak < 30, (took, peak)
    text = str(err)
    assert "上传的文件 my-cases.yaml 第" in text and "已拒绝" in text
    assert str(tmp_path) not in text and "gradio" not in text


def test_an_upload_with_more_cases_than_the_limit_is_refused(tmp_path):
    from assistant.settings import load_settings
    from webapp.services import Services

    cases = "".join(f"  - id: c{i}\n    question: 上云补贴比例是多少？\n    expect: {{cites: ['4.3.5']}}\n"
                    for i in range(21))
    path = tmp_path / "many.yaml"
    path.write_text("cases:\n" + cases, encoding="utf-8")
    with pytest.raises(EvalCaseError) as e:
        Services(load_settings(max_eval_cases=20)).eval_suite(str(path))
    assert "超过单次上限 20 个" in str(e.value) and str(tmp_path) not in str(e.value)
    assert len(Services(load_settings(max_eval_cases=21)).eval_suite(str(path)).cases) == 21


def test_a_huge_value_in_a_wrong_field_is_cut_short_in_the_message(tmp_path):
    from evals.schema import load_suite

    path = tmp_path / "bad.yaml"
    path.write_text("cases:\n  - id: x\n    question: q\n    expect: {abstain: '" + "很长" * 20000 + "'}\n", encoding="utf-8")
    with pytest.raises(EvalCaseError) as e:
        load_suite([path])
    assert "expect.abstain" in str(e.value) and len(str(e.value)) < 500


@pytest.mark.parametrize("text,words", [
    ("a: &a [*a]\n", "循环引用"),
    ("x: " + "[" * 60 + "]" * 60 + "\n", "嵌套层数超过"),
    ("a: 1" + "0" * 5000 + "\n", "无法识别的值"),
    ("cases:\n\t- id: x\n", "制表符"),
    ("a: b: c\n", "冒号"),
    ("a: 'unterminated\n", "意外结束"),
    ("a: !!python/object/apply:os.system ['echo hi']\n", "不支持的标签"),
    ("a: [*" + ", *".join(["x"] * 3) + "]\n", "未定义的别名"),
])
def test_malformed_yaml_is_named_by_file_and_line_in_chinese(text, words):
    with pytest.raises(YamlError) as e:
        load_yaml_text(text, "用例.yaml")
    assert str(e.value).startswith("用例.yaml") and words in str(e.value)
    assert "第" in str(e.value) and "行" in str(e.value)


def test_more_aliases_than_the_limit_are_refused_even_when_small():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * 101) + "]\n"
    with pytest.raises(YamlError) as e:
        load_yaml_text(text, "f.yaml")
    assert "超过100处" in str(e.value)
    assert load_yaml_text("a: &a x\nb: [" + ", ".join(["*a"] * 100) + "]\n")["b"][0] == "x"


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n", encoding="utf-8")
    with pytest.raises(YamlError) as e:
        load_yaml_file(path, name="big.yaml", limits=YamlLimits(max_bytes=1000))
    assert "文件过大" in str(e.value)


def test_a_file_that_is_not_utf8_says_so(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("a: 上云补贴".encode("gbk"))
    with pytest.raises(YamlError) as e:
        load_yaml_file(path)
    assert "UTF-8" in str(e.value)


def test_ordinary_anchors_and_merge_keys_still_work():
    data = load_yaml_text("base: &b {above_scale: true}\nfull:\n  <<: *b\n  stacking: highest\n")
    assert data["full"] == {"above_scale": True, "stacking": "highest"}


def test_an_enterprise_profile_with_an_alias_bomb_is_a_profile_error(tmp_path):
    path = tmp_path / "profile.yaml"
    path.write_text(PROFILE_BOMB, encoding="utf-8")
    err, took, _ = bounded(lambda: Profile.from_yaml(path))
    assert isinstance(err, ProfileError) and took < 1.0
    assert "企业情况文件" in str(err) and "第" in str(err) and "已拒绝" in str(err)


def test_calc_with_a_bomb_profile_exits_with_a_chinese_message(tmp_path):
    path = tmp_path / "profile.yaml"
    path.write_text(PROFILE_BOMB, encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "cli", "calc", "--profile", str(path)], cwd=ROOT, capture_output=True,
                       text=True, encoding="utf-8", timeout=120)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr + r.stdout and "已拒绝" in r.stderr + r.stdout


def test_a_documents_data_file_is_read_through_the_same_bounds(tmp_path):
    path = tmp_path / "meta.yaml"
    path.write_text("title: &t [" + ",".join(["x"] * 9) + "]\n" + "".join(
        f"l{i}: &l{i} [" + ",".join([f"*{'t' if i == 0 else f'l{i - 1}'}"] * 9) + "]\n" for i in range(8)), encoding="utf-8")
    with pytest.raises(CorpusError) as e:
        read_yaml(path)
    assert str(path) in str(e.value) and "已拒绝" in str(e.value)
    assert read_yaml(Path(__file__).parents[1] / "corpus" / "longnan-2022-40" / "meta.yaml")["id"] == "longnan-2022-40"


def test_the_fast_reader_and_the_bounded_reader_read_every_bundled_yaml_file_alike():
    import yaml

    files = sorted(ROOT.glob("corpus/**/*.yaml")) + sorted(ROOT.glob("evals/cases/*.yaml"))
    assert len(files) > 10
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert load_yaml_text(text) == yaml.load(text, Loader=yaml.SafeLoader), f.name  # noqa: S506 - the pure-Python safe loader
    assert yaml.__with_libyaml__  # the packs read at every start go through libyaml


def test_a_deep_file_without_aliases_is_still_refused_with_the_bounded_readers_words():
    deep = "a: " + "[" * 60 + "]" * 60 + "\n"
    with pytest.raises(YamlError, match="嵌套层数超过40层"):
        load_yaml_text(deep, name="deep.yaml")
