"""The `egov-sim explore` launcher: loopback, offline settings for the child only, clear errors."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from sim.cli import build_parser, main
from sim.errors import UsageError
from sim.explore import server


def test_defaults_are_loopback():
    args = build_parser().parse_args(["explore"])
    assert (args.host, args.port) == ("127.0.0.1", server.DEFAULT_PORT)
    assert args.func.__name__ == "cmd_explore"


def test_command_is_offline_production_solara():
    cmd = server.command("127.0.0.1", 9999, python="py")
    assert cmd[:5] == ["py", "-m", "solara", "run", "sim.explore.app"]
    for flag in ("--production", "--no-check-version", "--no-open"):
        assert flag in cmd
    assert cmd[cmd.index("--host") + 1] == "127.0.0.1" and cmd[cmd.index("--port") + 1] == "9999"


def test_child_env_sets_solara_settings_without_touching_ours(tmp_path):
    before = dict(os.environ)
    env = server.child_env({"PATH": "/bin"}, tmp_path / "home", Path("scenarios"))
    assert env["SOLARA_HOME"] == str(tmp_path / "home")
    assert env["SOLARA_TELEMETRY_MIXPANEL_ENABLE"] == "False"
    assert env["EGOV_SIM_SCENARIOS"] == str(Path("scenarios").resolve())
    assert env["PATH"] == "/bin"
    assert dict(os.environ) == before


def test_busy_port_is_a_usage_error(capsys):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        assert main(["explore", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"--port {port} cannot be used" in err and "try another --port" in err
    assert "Traceback" not in err


def test_missing_scenario_folder_is_a_usage_error(tmp_path, capsys):
    assert main(["explore", "--scenarios", str(tmp_path / "nope")]) == 2
    assert "--scenarios" in capsys.readouterr().err


def test_missing_extra_names_the_packages_and_the_fix():
    with pytest.raises(UsageError, match=r"explore needs no_such_pkg .*bootstrap.sh"):
        server.check_installed(["no_such_pkg"])
    server.check_installed()  # the lock installs the extra


def test_url_of_brackets_ipv6():
    assert server.url_of("127.0.0.1", 8) == "http://127.0.0.1:8/"
    assert server.url_of("::1", 8) == "http://[::1]:8/"


def test_free_port_is_bindable():
    port = server.free_port()
    server.check_port("127.0.0.1", port)
