"""The one reader for YAML that users supply (eval cases, enterprise profiles, documents' data files): bounded in
size, aliases, expanded nodes and depth, with Chinese errors that name the file and the line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, ScalarEvent

from corpus.errors import CorpusError


@dataclass(frozen=True)
class YamlLimits:
    max_bytes: int = 1_000_000  # the bundled case files are under 20 KB
    max_aliases: int = 100  # *name references in one document
    max_nodes: int = 200_000  # scalars, lists and mappings once every alias is expanded
    max_depth: int = 40  # nesting of lists and mappings


DEFAULT_LIMITS = YamlLimits()


class YamlError(CorpusError):
    """A YAML file that cannot be used; str(e) names the file and, where known, the line."""

    def __init__(self, message: str, line: int | None = None):
        super().__init__(message)
        self.line = line


def brief(value: Any, limit: int = 60) -> str:
    """A value as it may appear in an error message: its repr, cut to `limit` characters."""
    try:
        text = repr(value) if not isinstance(value, str) else value
    except Exception:  # noqa: BLE001 - a message must never fail to render
        text = f"<{type(value).__name__}>"
    if len(text) > limit:
        text = text[:limit] + f"…（共{len(text)}字符）"
    return text


class _Refused(Exception):
    def __init__(self, reason: str, mark):
        super().__init__(reason)
        self.reason, self.mark = reason, mark


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader that counts while it composes: an alias adds the full size of what it names, so a
    "billion laughs" document is refused after a few events instead of expanding in memory."""

    def __init__(self, stream: str, limits: YamlLimits):
        super().__init__(stream)
        self._limits = limits
        self._depth = 0
        self._nodes = 0
        self._aliases = 0
        self._sizes: dict[str, int] = {}  # anchor → expanded size, once its node is complete

    def _count(self, n: int, mark) -> None:
        self._nodes += n
        if self._nodes > self._limits.max_nodes:
            raise _Refused(f"内容展开后超过{self._limits.max_nodes}个节点（别名引用过多或文件过大），已拒绝", mark)

    def compose_node(self, parent, index):
        if self.check_event(AliasEvent):
            event = self.peek_event()
            self._aliases += 1
            if self._aliases > self._limits.max_aliases:
                raise _Refused(f"别名引用（*）超过{self._limits.max_aliases}处，已拒绝", event.start_mark)
            if event.anchor in self.anchors and event.anchor not in self._sizes:
                raise _Refused(f"别名 *{brief(event.anchor, 30)} 引用了包含它自身的内容（循环引用），已拒绝", event.start_mark)
            self._count(self._sizes.get(event.anchor, 1), event.start_mark)
            return super().compose_node(parent, index)
        event = self.peek_event()
        self._depth += 1
        if self._depth > self._limits.max_depth:
            raise _Refused(f"嵌套层数超过{self._limits.max_depth}层，已拒绝", event.start_mark)
        before = self._nodes
        self._count(1, event.start_mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if event.anchor is not None:
            self._sizes[event.anchor] = self._nodes - before
        return node

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, TypeError, OverflowError) as e:
            if isinstance(e, yaml.YAMLError):
                raise
            # an integer of thousands of digits, a date like 2024-02-30: name the value, not Python's words
            raise _Refused(f"无法识别的值“{brief(node.value if isinstance(node, yaml.ScalarNode) else '…', 40)}”",
                           node.start_mark) from None


# PyYAML's problems in words a policy-office member can act on; anything else is a generic syntax error.
_PROBLEMS = (
    ("mapping values are not allowed", "此处不能出现冒号“:”（缩进可能有误，或含冒号的文字需加引号）"),
    ("could not find expected ':'", "缺少冒号“:”"),
    ("found character '\\t'", "含有制表符（Tab），请改用空格缩进"),
    ("found undefined alias", "引用了未定义的别名（*）"),
    ("found duplicate anchor", "锚点（&）名称重复"),
    ("unexpected end of stream", "文件意外结束（引号或括号可能未闭合）"),
    ("expected <block end>", "缩进不一致"),
    ("expected a single document", "文件只能包含一个 YAML 文档（不要使用 ---  分隔多个文档）"),
    ("found unknown escape character", "引号内有无法识别的转义字符（反斜杠 \\）"),
    ("could not determine a constructor", "使用了不支持的标签（!）"),
    ("found unhashable key", "键不能是列表或映射"),
    ("while parsing a flow", "方括号或花括号未正确闭合"),
)


def _problem_text(e: yaml.YAMLError) -> str:
    text = f"{getattr(e, 'context', '') or ''} {getattr(e, 'problem', '') or ''} {e}"
    detail = next((zh for en, zh in _PROBLEMS if en in text), None)
    return f"YAML 格式错误，{detail}" if detail else "YAML 格式错误"


def _where(name: str, mark) -> tuple[str, int | None]:
    if mark is None:
        return f"{name}：", None
    return f"{name} 第{mark.line + 1}行：", mark.line + 1


_MISSING = object()


def _fast(text: str, limits: YamlLimits) -> Any:
    """libyaml's reading of a document without aliases that is within the limits (the packs read at every start);
    _MISSING for anything else, which the bounded loader then reads, or refuses in its own words."""
    c_loader = getattr(yaml, "CSafeLoader", None)
    if c_loader is None:
        return _MISSING
    try:
        depth = nodes = 0
        for event in yaml.parse(text, Loader=c_loader):
            if isinstance(event, AliasEvent):
                return _MISSING  # an alias's expanded size is counted by the bounded loader
            if isinstance(event, (CollectionStartEvent, ScalarEvent)):
                nodes += 1
                depth += isinstance(event, CollectionStartEvent)
                if nodes > limits.max_nodes or depth > limits.max_depth:
                    return _MISSING
            elif isinstance(event, CollectionEndEvent):
                depth -= 1
        return yaml.load(text, Loader=c_loader)
    except Exception:  # noqa: BLE001 - whatever libyaml refuses, the bounded loader explains
        return _MISSING


def load_yaml_text(text: str, name: str = "YAML 内容", limits: YamlLimits = DEFAULT_LIMITS) -> Any:
    """Parse one YAML document from `text` within `limits`; YamlError (Chinese, naming `name` and the line) otherwise."""
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        raise YamlError(f"{name}：文件过大（超过{limits.max_bytes // 1000}KB），已拒绝。")
    data = _fast(text, limits)
    if data is not _MISSING:
        return data
    loader = _BoundedLoader(text, limits)
    try:
        return loader.get_single_data()
    except _Refused as e:
        where, line = _where(name, e.mark)
        raise YamlError(f"{where}{e.reason}。", line) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        where, line = _where(name, mark)
        raise YamlError(f"{where}{_problem_text(e)}。", line) from None
    except RecursionError:  # pragma: no cover - the depth limit stops nesting long before
        raise YamlError(f"{name}：嵌套层数过多，已拒绝。") from None
    finally:
        loader.dispose()


def load_yaml_file(path: str | Path, name: str | None = None, limits: YamlLimits = DEFAULT_LIMITS) -> Any:
    """Read and parse a YAML file within `limits`. `name` is how messages call the file (default: its path);
    pass the original file name for uploads, so a server-side path is never shown."""
    p = Path(path)
    shown = name or str(p)
    try:
        if not p.is_file():
            raise YamlError(f"{shown}：文件不存在或不是普通文件。")
        if p.stat().st_size > limits.max_bytes:
            raise YamlError(f"{shown}：文件过大（超过{limits.max_bytes // 1000}KB），已拒绝。")
        with p.open("rb") as f:
            raw = f.read(limits.max_bytes + 1)  # the file may grow between stat and read
    except OSError as e:
        raise YamlError(f"{shown}：无法读取（{e.strerror or type(e).__name__}）。") from None
    if len(raw) > limits.max_bytes:
        raise YamlError(f"{shown}：文件过大（超过{limits.max_bytes // 1000}KB），已拒绝。")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise YamlError(f"{shown}：文件不是 UTF-8 编码，请另存为 UTF-8 后再试。") from None
    return load_yaml_text(text, shown, limits)


__all__ = ["DEFAULT_LIMITS", "YamlError", "YamlLimits", "brief", "load_yaml_file", "load_yaml_text"]
