"""The `doudi` command: every subcommand loads and explains itself in Chinese and English."""

import pytest
from click.testing import CliRunner

from doudi.cli import COMMANDS, main


def test_top_level_help_lists_every_subcommand_bilingually() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for name, (_module, _attr, help_text) in COMMANDS.items():
        assert name in result.output
        chinese, english = help_text.split(" / ")
        assert chinese.strip() and english.strip()


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_subcommand_loads_and_has_help(name: str) -> None:
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_an_unknown_subcommand_is_refused() -> None:
    result = CliRunner().invoke(main, ["nonsense"])
    assert result.exit_code != 0
