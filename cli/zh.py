"""Chinese for the command-line framework's own messages (typer and its vendored click write them in English)."""

from __future__ import annotations

import importlib
import re

# typer's own message ids (its gettext msgids and panel titles) → what a Chinese user reads
MESSAGES = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Error": "错误",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "可运行 [blue]'{command_path} {help_option}'[/] 查看用法。",
    "Options": "选项",
    "Commands": "命令",
    "Arguments": "参数",
    "Aborted!": "已中止。",
    "Aborted.": "已中止。",
    "(deprecated) ": "（已弃用）",
    "[default: {}]": "[默认：{}]",
    "[env var: {}]": "[环境变量：{}]",
    "[required]": "[必填]",
    "default: {default}": "默认：{default}",
    "required": "必填",
    "env var: {var}": "环境变量：{var}",
    "(dynamic)": "（动态）",
}

_MODULES = ("typer.core", "typer.main", "typer.rich_utils")  # typer vendors its click (typer._click): no click import
# typer computes some panel titles once at import: those are set directly
_CONSTANTS = {"typer.rich_utils": ("DEPRECATED_STRING", "DEFAULT_STRING", "ENVVAR_STRING", "REQUIRED_LONG_STRING",
                                   "ARGUMENTS_PANEL_TITLE", "OPTIONS_PANEL_TITLE", "COMMANDS_PANEL_TITLE",
                                   "ERRORS_PANEL_TITLE", "ABORTED_TEXT", "RICH_HELP")}
# typer ≥ 0.2x vendors its own click with its messages written out in f-strings: those are translated on the way out
_ERRORS = [
    (re.compile(r"^No such option: (\S+)(?: \(Possible options: (.*)\))?$"),
     lambda m: f"没有这个选项：{m[1]}" + (f"（可能是：{m[2]}）" if m[2] else "") + "。"),
    (re.compile(r"^No such command '?([^'.]+)'?\.?$"), lambda m: f"没有这个命令：{m[1]}。"),
    (re.compile(r"^Missing (?:argument|parameter|option) ['\"]?([^'\".]+)['\"]?\.?(.*)$"),
     lambda m: f"缺少参数 {m[1]}。{m[2].strip()}"),
    (re.compile(r"^Invalid value for ['\"]?([^'\":]+)['\"]?: (.*)$", re.S), lambda m: f"{m[1]} 的取值无效：{_value_error(m[2])}"),
    (re.compile(r"^Invalid value: (.*)$", re.S), lambda m: f"取值无效：{_value_error(m[1])}"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), lambda m: f"多出了无法识别的参数：{m[1]}。"),
    (re.compile(r"^Option '?([^' ]+)'? requires (?:an argument|\d+ arguments)\.?$"), lambda m: f"选项 {m[1]} 需要一个值。"),
    (re.compile(r"^Option '?([^' ]+)'? does not take a value\.?$"), lambda m: f"选项 {m[1]} 不带值。"),
]
_VALUE_ERRORS = [
    (re.compile(r"valid integer"), "应为整数"),
    (re.compile(r"valid number|valid float"), "应为数字"),
    (re.compile(r"valid boolean"), "应为是/否"),
    (re.compile(r"greater than or equal to (\S+)"), "应不小于 {0}"),
    (re.compile(r"less than or equal to (\S+)"), "应不大于 {0}"),
    (re.compile(r"does not exist"), "不存在"),
    (re.compile(r"is a directory"), "是文件夹，应为文件"),
    (re.compile(r"is a file"), "是文件，应为文件夹"),
    (re.compile(r"not one of|Input should be '"), "不在可选值之中"),
]


def _value_error(text: str) -> str:
    for rx, zh in _VALUE_ERRORS:
        m = rx.search(text)
        if m:
            return zh.format(*m.groups()) + "。"
    return text


def translate(message: str) -> str:
    return MESSAGES.get(message, message)


def translate_error(message: str) -> str:
    """A usage error of the framework in Chinese (the message as given when no pattern fits)."""
    for rx, render in _ERRORS:
        m = rx.match(message.strip())
        if m:
            return render(m)
    return translate(message)


def install() -> None:
    """Route the framework modules' gettext through `translate` (each bound `_` at import, so each is replaced), and
    the vendored click's errors and help option through Chinese."""
    for name in _MODULES:
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        if hasattr(mod, "_"):
            mod._ = translate
        for const in _CONSTANTS.get(name, ()):
            value = getattr(mod, const, None)
            if isinstance(value, str):
                setattr(mod, const, translate(value))
    try:
        from typer._click import core, exceptions
    except ImportError:
        return
    for cls in {c for c in vars(exceptions).values() if isinstance(c, type) and issubclass(c, exceptions.UsageError)}:
        if "format_message" in vars(cls) and not getattr(cls.format_message, "_zh", False):
            original = cls.format_message

            def format_message(self, _original=original) -> str:
                return translate_error(_original(self))

            format_message._zh = True
            cls.format_message = format_message
    from typer._click import formatting

    write_usage = formatting.HelpFormatter.write_usage
    if not getattr(write_usage, "_zh", False):
        def zh_usage(self, prog, args="", prefix=None, _original=write_usage):
            return _original(self, prog, args, "用法：" if prefix is None else prefix)

        zh_usage._zh = True
        formatting.HelpFormatter.write_usage = zh_usage
    get_help = core.Command.get_help_option
    if not getattr(get_help, "_zh", False):
        def get_help_option(self, ctx, _original=get_help):
            opt = _original(self, ctx)
            if opt is not None:
                opt.help = translate(opt.help or "")
            return opt

        get_help_option._zh = True
        core.Command.get_help_option = get_help_option


__all__ = ["MESSAGES", "install", "translate", "translate_error"]
