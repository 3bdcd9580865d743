"""Chinese for the command-line framework's own messages (click and typer write usage errors and help in English)."""

from __future__ import annotations

import importlib
import re

# click 8 / typer 0.x message ids (their gettext msgids) → what a Chinese user reads
MESSAGES = {
    "Show this message and exit.": "显示本帮助并退出。",
    "Error: {message}": "错误：{message}",
    "Error": "错误",
    "Try '{command} {option}' for help.": "可运行 '{command} {option}' 查看用法。",
    "Try [blue]'{command_path} {help_option}'[/] for help.": "可运行 [blue]'{command_path} {help_option}'[/] 查看用法。",
    "Invalid value: {message}": "取值无效：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option: {name}": "没有这个选项：{name}",
    "No such option {name!r}.": "没有这个选项 {name!r}。",
    "No such command {name!r}.": "没有这个命令 {name!r}。",
    "Did you mean {possibility}?": "您是不是想用 {possibility}？",
    "(Possible options: {possibilities})": "（可能的选项：{possibilities}）",
    "Got unexpected extra argument ({args})": "多出了无法识别的参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了无法识别的参数（{args}）",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "unknown error": "未知错误",
    "{value!r} is not a valid integer.": "{value!r} 不是有效的整数。",
    "{value!r} is not a valid float.": "{value!r} 不是有效的数字。",
    "{value!r} is not a valid boolean.": "{value!r} 不是有效的是/否值。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not in the range {range}.": "{value!r} 不在范围 {range} 内。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 不可读。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 不可写。",
    "File": "文件",
    "Directory": "文件夹",
    "Path": "路径",
    "Usage:": "用法：",
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

_MODULES = ("click.core", "click.exceptions", "click.parser", "click.types", "click.decorators", "click.termui",
            "click.formatting", "typer.core", "typer.main", "typer.rich_utils")
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
