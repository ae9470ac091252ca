"""The launcher of the flow's sandboxes that scripts/run.sh and scripts/scaled/ share."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import httpx
import pytest

from sandboxes import launcher
from sandboxes.launcher import SandboxError, flow_sandboxes, free_port

URL_VARS = [s.url_var for s in launcher.SANDBOXES]


def clean_env(**extra: str) -> dict[str, str]:
    """The test's environment without any configured service or fixed sandbox port."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in URL_VARS and not k.startswith("SANDBOX_") and k != "YIWANG_OIDC_CLIENT_ID"
    }
    return {**env, **extra}


def refused(url: str) -> bool:
    try:
        httpx.get(f"{url}/health", timeout=2)
    except httpx.ConnectError:
        return True
    return False


def test_each_sandbox_starts_unless_a_real_service_is_configured(tmp_path: Path) -> None:
    said: list[str] = []
    env = clean_env(YIWANG_ELICENCE_URL="https://elicence.example.gov.cn")
    with flow_sandboxes(env, backoffice_db=tmp_path / "bo.db", say=said.append) as urls:
        assert set(urls) == {
            "YIWANG_OIDC_ISSUER",
            "YIWANG_OIDC_CLIENT_ID",
            "YIWANG_BACKOFFICE_URL",
            "YIWANG_CASHIER_URL",
            "YIWANG_CASHIER_KEY",
            "YIWANG_LOGISTICS_URL",
        }
        assert urls["YIWANG_OIDC_CLIENT_ID"] == "yiwang"
        # the cashier got the same fresh signing key as the app: it answers signed queries
        from app.adapters.cashier import CashierClient, CashierError

        client = CashierClient(urls["YIWANG_CASHIER_URL"], "yiwang", urls["YIWANG_CASHIER_KEY"])
        with pytest.raises(CashierError, match="404"):
            asyncio.run(client.query("YWP-none"))
        wrong = CashierClient(urls["YIWANG_CASHIER_URL"], "yiwang", "another key")
        with pytest.raises(CashierError, match="400"):
            asyncio.run(wrong.query("YWP-none"))
        logistics = urls["YIWANG_LOGISTICS_URL"]
        assert httpx.get(f"{logistics}/operator/shipments", timeout=5).status_code == 200
        issuer = urls["YIWANG_OIDC_ISSUER"]
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=5).json()
        assert discovery["issuer"] == issuer
        backoffice = urls["YIWANG_BACKOFFICE_URL"]
        assert httpx.get(f"{backoffice}/operator/applications", timeout=5).status_code == 200
        assert (tmp_path / "bo.db").exists()
    assert said[0] == f"Sandbox identity provider (test accounts only) on {issuer}"
    assert said[1] == f"Sandbox back office (test applications only) on {backoffice}"
    assert f"YIWANG_BACKOFFICE_URL={backoffice} python -m app.flow advance" in said[2]
    assert said[3].startswith("Sandbox cashier (no real money) on http://127.0.0.1:")
    assert said[4].startswith("Sandbox logistics (test shipments only) on http://127.0.0.1:")
    assert not any("e-licence" in line for line in said)
    assert refused(issuer) and refused(backoffice)  # stopped with the block
    assert refused(urls["YIWANG_CASHIER_URL"]) and refused(logistics)


def test_fixed_ports_store_and_client_id_come_from_the_environment(tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(
        SANDBOX_ELICENCE_PORT=str(port),
        SANDBOX_BACKOFFICE_DB=str(tmp_path / "chosen.db"),
        YIWANG_OIDC_CLIENT_ID="province-portal",
        REFLEX_DB_URL="postgresql+psycopg://yiwang@127.0.0.1:5/yiwang",
    )
    said: list[str] = []
    with flow_sandboxes(env, backoffice_db=tmp_path / "default.db", say=said.append) as urls:
        assert urls["YIWANG_ELICENCE_URL"] == f"http://127.0.0.1:{port}"
        assert urls["YIWANG_OIDC_CLIENT_ID"] == "province-portal"
    assert (tmp_path / "chosen.db").exists() and not (tmp_path / "default.db").exists()
    # the operator hint names the app's database when it is not the embedded default
    assert any(line.startswith("  move one: REFLEX_DB_URL=postgresql") for line in said)


def test_a_sandbox_that_cannot_start_is_named_and_the_others_stopped(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = clean_env(SANDBOX_BACKOFFICE_PORT=str(port))
        started: list[str] = []
        with (
            pytest.raises(SandboxError, match=r"Sandbox back office .* exited with"),
            flow_sandboxes(env, backoffice_db=tmp_path / "bo.db", say=started.append),
        ):
            pass
    urls = [line.rsplit(" on ", 1)[1] for line in started if " on http" in line]
    assert len(urls) == 2  # identity provider and e-licence started first
    assert all(refused(url) for url in urls)


def test_the_command_runs_with_the_urls_and_its_exit_code_is_kept(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in [*URL_VARS, "SANDBOX_IDP_PORT", "SANDBOX_ELICENCE_PORT", "SANDBOX_BACKOFFICE_PORT"]:
        monkeypatch.delenv(key, raising=False)
    child = (
        "import os, sys, urllib.request; "
        "urllib.request.urlopen(os.environ['YIWANG_ELICENCE_URL'] + '/health'); "
        "print('seen', os.environ['YIWANG_OIDC_ISSUER']); sys.exit(3)"
    )
    code = launcher.main(
        ["--backoffice-db", str(tmp_path / "bo.db"), "--", sys.executable, "-c", child]
    )
    assert code == 3
    out = capfd.readouterr().out
    assert "seen http://127.0.0.1:" in out
    assert refused(out.split("seen ", 1)[1].split()[0])


def test_no_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exc:
        launcher.main(["--"])
    assert exc.value.code == 2
