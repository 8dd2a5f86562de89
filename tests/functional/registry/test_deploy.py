"""`doudi serve` refuses the development secret key on an address other machines can reach."""

from __future__ import annotations

from click.testing import CliRunner

from doudi.web.commands import serve


def test_serving_beyond_loopback_needs_a_secret_key() -> None:
    result = CliRunner().invoke(serve, ["--host", "0.0.0.0", "--port", "8765"])
    assert result.exit_code != 0
    assert "DOUDI_SECRET_KEY" in result.output
    assert "docs/deployment.md" in result.output
