"""Command classes that speak plain words: help without Python types, usage errors in one line.

typer's help prints a parameter's Python type (``<bool>``, ``<list[str]>``) and
its usage line wraps required arguments in braces (``{paths}...``); a wrong
option value ends in a boxed message. Here an option shows its metavar
(``FORMAT``, ``N``, ``SIZE``), a flag nothing, an argument its name
(``PATH...``), and a usage error is one line on stderr, exit code 2.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import typer

# typer vendors click and does not re-export its exception classes
from typer._click.core import ParameterSource  # noqa: I001
from typer._click.exceptions import BadParameter, ClickException, MissingParameter
from typer._click.globals import get_current_context
from typer.core import TyperArgument, TyperCommand, TyperGroup

from .output import Messages, closed_stdout_ends_quietly

EXIT_USAGE = 2


class PlainArgument(TyperArgument):
    """An argument shown by its metavar alone, in the usage line and in the help."""

    def display_type_rich(self, ctx) -> None:
        return None  # the name column shows the metavar (PATH...) already

    def get_usage_pieces(self, ctx) -> list[str]:
        return [self.display_name_raw if self.required else f"[{self.display_name_raw}]"]


def plain_parameters(params: list) -> None:
    """Arguments become :class:`PlainArgument`; flags show no type."""
    for param in params:
        if isinstance(param, TyperArgument):
            param.__class__ = (
                PlainArgument  # same fields, other rendering: typer offers no argument class hook
            )
        elif getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""


class PlainHelp:
    """Mixed into the command and group classes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        plain_parameters(self.params)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option

    def format_help(self, ctx, formatter):
        try:
            return super().format_help(ctx, formatter)
        except SystemExit:  # rich's answer to a closed stdout (Console.on_broken_pipe) is exit 1
            raise BrokenPipeError from None


class PlainCommand(PlainHelp, TyperCommand):
    """A command of newsdedup (``@app.command(cls=PlainCommand)``)."""


class PlainGroup(PlainHelp, TyperGroup):
    """A group of commands; usage errors of the group and of its commands are one line, and a help
    or version read by ``| head -1`` ends quietly, as a command's output does."""

    def make_context(self, info_name, args, parent=None, **extra):
        with usage_errors_in_one_line(), closed_stdout_ends_quietly():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx):
        with usage_errors_in_one_line(), closed_stdout_ends_quietly():
            return super().invoke(ctx)


@contextmanager
def usage_errors_in_one_line():
    """A usage error (unknown option, bad value, missing argument) is reported in one line: exit 2."""
    try:
        yield
    except ClickException as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # the help was printed: typer ends the run
            raise
        Messages().error(f"error: {describe(error)}")
        raise typer.Exit(error.exit_code if error.exit_code else EXIT_USAGE) from None


def run_settings(given: dict):
    """The run's :class:`~newsdedup.settings.DedupSettings`; a value out of range is reported as its
    option's bad value, naming the option and, when it came from there, its environment variable."""
    from ..errors import SettingError
    from ..settings import DedupSettings

    try:
        return DedupSettings(**given)
    except SettingError as error:
        ctx = get_current_context(silent=True)
        field = error.field
        if (
            field == "bands"
            and ctx is not None
            and ctx.get_parameter_source("bands") == ParameterSource.DEFAULT
        ):
            field = "num_perm"  # the default bands do not divide the permutations asked for
        param = next((p for p in ctx.command.params if p.name == field), None) if ctx else None
        if param is None:
            raise
        raise BadParameter(str(error), ctx=ctx, param=param) from None


def describe(error: ClickException) -> str:
    """The error as a sentence: which option (and where its value came from) and what is wrong."""
    ctx = getattr(error, "ctx", None)
    command = f" (see {ctx.command_path} --help)" if ctx is not None else ""
    if isinstance(error, BadParameter) and not isinstance(error, MissingParameter) and error.param:
        param = error.param
        name = " / ".join(param.opts) if param.param_type_name == "option" else _argument_name(param)
        if (
            ctx is not None
            and param.name
            and ctx.get_parameter_source(param.name) == ParameterSource.ENVIRONMENT
        ):
            name += f" (from {param.envvar})"
        if getattr(param, "is_bool_flag", False):  # only an environment variable gives a flag a value
            value = os.environ.get(param.envvar) if isinstance(param.envvar, str) else None
            given = "the value" if value is None else repr(value)
            return f"{name}: {given} is neither true nor false: use 1, true, yes or on; 0, false, no or off{command}"
        return f"{name}: {error.message}{command}"
    return " ".join(error.format_message().split()) + command


def _argument_name(param) -> str:
    # typer's own arguments have no human_readable_name (a bad value crashed the error message)
    return getattr(param, "human_readable_name", None) or param.metavar or (param.name or "").upper()
