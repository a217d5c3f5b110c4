"""``--help`` in the command's language (issue 28).

The English help is the commands' docstrings and ``help=`` texts; the
Chinese is :data:`siteplan.messages.help.HELP_ZH`, keyed by command and
option name (not by the English text). :func:`help_language` puts it in
place for one invocation and restores the English afterwards, so several
commands run in one process (the tests) each get their own language.

The language of ``--help`` is ``--lang`` on the command line (after the
subcommand, or before it: ``siteplan --lang zh plan --help``), else
``$SITEPLAN_LANG``, else English (a config's ``lang`` is not read for help).

Examples
--------
>>> split_lead_lang(["--lang", "zh", "plan", "a.toml"], {"plan"})
(['plan', '--lang', 'zh', 'a.toml'], 'zh')
>>> split_lead_lang(["--lang=zh", "--help"], {"plan"})
(['--help'], 'zh')
>>> split_lead_lang(["plan", "--help"], {"plan"})[0]
['plan', '--help']
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import click

from siteplan.messages.help import CLICK_ZH, HELP_ZH

#: click's modules that word its messages through gettext (``_``/``ngettext``) when a
#: command runs. Not click.decorators: its words go into objects click caches (the help
#: option), which would keep them for the next, English, invocation.
_CLICK_MODULES = tuple(sys.modules[name] for name in (
    "click.core", "click.exceptions", "click.types", "click.parser", "click.formatting")
    if name in sys.modules)

#: click's own words in a Chinese help page (its headings and option texts).
_CLICK_ZH = {"Options": HELP_ZH["click.options"], "Commands": HELP_ZH["click.commands"],
             "Arguments": HELP_ZH["click.arguments"],
             "Show this message and exit.": HELP_ZH["opt.help"],
             "Show the version and exit.": HELP_ZH["opt.version"]}


class ZhHelpFormatter(click.HelpFormatter):
    """click's help formatter with its own words in Chinese."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, HELP_ZH["click.usage"] if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        """The heading with a full-width colon, as 用法： has (click writes ``:``)."""
        self.write(f"{'':>{self.current_indent}}{_CLICK_ZH.get(heading, heading)}：\n")

    def write_text(self, text: str) -> None:
        """Paragraphs wrapped by display width (a Chinese character is two
        columns; a word such as GeoPackage is never cut)."""
        indent = " " * self.current_indent
        width = max((self.width or 80) - self.current_indent, 20)
        paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
        self.write("\n\n".join("\n".join(indent + line for line in wrap(p, width))
                                for p in paragraphs) + "\n")

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        """Option rows aligned by display width, click's words in Chinese."""
        rows = [(term, _click_words(text)) for term, text in rows]
        first = min(max((display_width(term) for term, _ in rows), default=0), col_max)
        indent = " " * self.current_indent
        text_width = max((self.width or 80) - first - col_spacing - self.current_indent, 10)
        for term, text in rows:
            self.write(indent + term)
            if not text:
                self.write("\n")
                continue
            if display_width(term) <= first:
                self.write(" " * (first - display_width(term) + col_spacing))
            else:
                self.write("\n" + indent + " " * (first + col_spacing))
            lines = wrap(text, text_width)
            pad = "\n" + indent + " " * (first + col_spacing)
            self.write(pad.join(lines) + "\n")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal (wide East Asian characters: two).

    Examples
    --------
    >>> display_width("选项 --out")
    10
    """
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: Punctuation that never starts a line (it stays after the character before it).
_NO_LINE_START = frozenset("，。；：、）」』！？")


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken between words or
    between two Chinese characters (never inside an ASCII word).

    Examples
    --------
    >>> wrap("输出文件夹 plan.gpkg 和报告", 12)
    ['输出文件夹', 'plan.gpkg', '和报告']
    >>> wrap("输出文件夹（自动创建）。  [必填]", 24)
    ['输出文件夹（自动创建）。', '[必填]']
    """
    lines, line = [], ""
    # a bracketed mark such as [必填] is one token: never "[必填" / "]" on two lines
    for token in re.findall(r" |\[[^\]\s]{1,12}\]|[\x00-\x7f]+?(?= |$|[^\x00-\x7f])|[^\x00-\x7f]",
                            text):
        # two columns kept free for a closing mark that may not start the next line
        if line and display_width(line + token) > width - 2 and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        elif line or token.strip():  # no line starts with a space
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return [x.lstrip() for x in lines] or [""]


def _click_words(text: str) -> str:
    """click's additions to an option's help (``[default: x]``, ``[required]``)."""
    text = _CLICK_ZH.get(text, text)
    return (text.replace("[default: ", "[" + HELP_ZH["click.default"])
            .replace("; default: ", "；" + HELP_ZH["click.default"])
            .replace("[required]", f"[{HELP_ZH['click.required']}]"))


def split_lead_lang(args: list[str], commands: set[str]) -> tuple[list[str], str | None]:
    """``--lang X`` given before the subcommand moved after it (every command
    takes ``--lang``), and the language asked for anywhere on the line."""
    lang = None
    if args and (args[0] == "--lang" and len(args) > 1 or args[0].startswith("--lang=")):
        lang = args[1] if args[0] == "--lang" else args[0].split("=", 1)[1]
        rest = args[2:] if args[0] == "--lang" else args[1:]
        args = [rest[0], "--lang", lang, *rest[1:]] if rest and rest[0] in commands else rest
    for i, arg in enumerate(args):
        if arg == "--lang" and i + 1 < len(args):
            lang = args[i + 1]
        elif arg.startswith("--lang="):
            lang = arg.split("=", 1)[1]
    return args, lang


def help_lang(flag: str | None) -> str:
    """The language of a help page: ``flag``, else ``$SITEPLAN_LANG``, else English
    (an unknown value gives English here; the command itself refuses it)."""
    from siteplan.i18n import LANG_ENV, LANGS

    for value in (flag, os.environ.get(LANG_ENV, "").strip().lower()):
        if value in LANGS:
            return value
    return "en"


@contextmanager
def help_language(group: click.Group, lang: str) -> Iterator[None]:
    """Within the block, the help of ``group`` and its commands is in ``lang``."""
    if lang != "zh":
        yield
        return
    saved: list[tuple[object, str, object]] = []

    def swap(obj: object, attr: str, value: object) -> None:
        saved.append((obj, attr, getattr(obj, attr)))
        setattr(obj, attr, value)

    swap(group, "help", HELP_ZH["main"])
    swap(group, "options_metavar", HELP_ZH["click.options_metavar"])
    swap(group, "subcommand_metavar", HELP_ZH["click.subcommand_metavar"])
    for name, command in group.commands.items():
        swap(command, "help", HELP_ZH.get(name, command.help))
        swap(command, "short_help", HELP_ZH.get(f"{name}.summary", command.short_help))
        swap(command, "options_metavar", HELP_ZH["click.options_metavar"])
        for param in command.params:
            text = zh_option_help(name, param)
            if text is not None:
                swap(param, "help", text)
            kind = HELP_ZH.get(f"type.{param.type.name}")
            if kind and param.metavar is None and not getattr(param, "is_flag", False) \
                    and isinstance(param, click.Option):
                swap(param, "metavar", kind)
    swap(click.Context, "formatter_class", ZhHelpFormatter)
    for module in _CLICK_MODULES:  # click's usage errors ("Missing option", "No such option")
        if hasattr(module, "_"):
            swap(module, "_", _gettext_zh)
        if hasattr(module, "ngettext"):
            swap(module, "ngettext", _ngettext_zh)
    try:
        yield
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)


def _gettext_zh(message: str) -> str:
    """click's message ``message`` in Chinese (English when not in :data:`CLICK_ZH`)."""
    return CLICK_ZH.get(message, message)


def _ngettext_zh(singular: str, plural: str, count: int) -> str:
    """click's plural message in Chinese (Chinese has one form)."""
    return _gettext_zh(singular if count == 1 else plural)


def zh_option_help(command: str, param: click.Parameter) -> str | None:
    """The Chinese help of an option of ``command`` (None for an argument)."""
    if not isinstance(param, click.Option) or param.hidden:
        return None
    return HELP_ZH.get(f"{command}.{param.name}") or HELP_ZH.get(f"opt.{param.name}")
