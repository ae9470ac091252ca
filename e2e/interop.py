"""Start the independent OpenID Connect provider (npm ``oidc-provider``, e2e/oidc_provider/)
on loopback for the interop tests, and play a browser on its pages over plain HTTP.

``scripts/setup.sh --test`` installs it into ``.tools/oidc-provider``; a missing install is a
failure with the command to run, never a skip (CI installs before it tests).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import httpx

from e2e.server import ROOT, free_port

OP_DIR = ROOT / ".tools" / "oidc-provider"
SCRIPT = ROOT / "e2e" / "oidc_provider" / "server.mjs"
START_TIMEOUT_S = 60.0
#: the standard-claims-plus-acr mapping shipped for such providers (docs/identity.md)
STANDARD_MAPPING = ROOT / "docs" / "examples" / "identity" / "standard-acr.toml"


def version() -> str:
    package = OP_DIR / "node_modules" / "oidc-provider" / "package.json"
    return json.loads(package.read_text())["version"]


@dataclass
class RunningProvider:
    port: int
    clients: list[dict]
    log: Path
    proc: subprocess.Popen | None = None
    starts: int = field(default=0)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        if not (OP_DIR / "node_modules" / "oidc-provider").is_dir():
            raise RuntimeError(
                f"oidc-provider is not installed in {OP_DIR}: run scripts/setup.sh --test"
            )
        # Node resolves packages from the script's own folder: run a copy beside node_modules
        shutil.copyfile(SCRIPT, OP_DIR / "server.mjs")
        env = {
            **os.environ,
            "OP_PORT": str(self.port),
            "OP_CLIENTS": json.dumps(self.clients),
            "NODE_ENV": "test",
        }
        out = self.log.open("ab")
        self.proc = subprocess.Popen(
            ["node", str(OP_DIR / "server.mjs")],
            cwd=OP_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.starts += 1
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"oidc-provider exited with {self.proc.returncode}:\n{tail}")
            with contextlib.suppress(httpx.HTTPError):
                url = f"{self.issuer}/.well-known/openid-configuration"
                if httpx.get(url, timeout=2).status_code == 200:
                    return
            if time.monotonic() > deadline:
                raise TimeoutError(f"oidc-provider did not answer on {self.issuer}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@contextlib.contextmanager
def oidc_provider(clients: list[dict], port: int | None = None) -> Iterator[RunningProvider]:
    """oidc-provider on 127.0.0.1 with ``clients`` (RFC 7591 metadata), stopped after."""
    log = ROOT / "reports" / f"oidc-provider-{port or 'x'}-{os.getpid()}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    running = RunningProvider(port or free_port(), clients, log)
    running.start()
    try:
        yield running
    finally:
        running.stop()


class Browser:
    """A cookie-keeping HTTP client that fills in oidc-provider's login page."""

    def __init__(self) -> None:
        self.http = httpx.Client(timeout=10, follow_redirects=False)

    def close(self) -> None:
        self.http.close()

    def follow(self, url: str, stop_at: str, account: str = "", max_hops: int = 12) -> str:
        """Follow redirects (and the login page, choosing ``account``) until a URL starting
        with ``stop_at``; return it."""
        for _ in range(max_hops):
            if url.startswith(stop_at):
                return url
            answer = self.http.get(url)
            if answer.is_redirect:
                url = urljoin(url, answer.headers["location"])
                continue
            form = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
            if answer.status_code != 200 or form is None or not account:
                raise AssertionError(f"stuck at {url}: {answer.status_code} {answer.text[:300]}")
            posted = self.http.post(
                urljoin(url, unescape(form.group(1))),
                data={"account": account, "action": "login"},
            )
            assert posted.is_redirect, posted.text[:300]
            url = urljoin(url, posted.headers["location"])
        raise AssertionError(f"too many redirects, last {url}")

    def logout(self, url: str, stop_at: str) -> str:
        """Open the provider's logout page and confirm (its form "Yes, sign me out")."""
        page = self.http.get(url)
        assert page.status_code == 200, page.text[:300]
        form = re.search(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', page.text, re.S)
        assert form is not None, page.text[:500]
        fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
        answer = self.http.post(
            urljoin(url, unescape(form.group(1))), data=fields | {"logout": "yes"}
        )
        return self.follow(urljoin(url, answer.headers["location"]), stop_at)
