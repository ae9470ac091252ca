"""The nginx configuration of deploy/nginx as scaled mode renders it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from scripts import scaled


def render(tmp_path: Path) -> Path:
    sites = [
        scaled.Site(tmp_path / "web-sd", ["sd.localhost", "localhost"], default=True),
        scaled.Site(tmp_path / "web-sc", ["sc.localhost"]),
    ]
    for site in sites:
        site.root.mkdir(parents=True)
    return scaled.nginx_config(tmp_path, 39999, 40001, sites)


def test_every_placeholder_is_filled(tmp_path: Path) -> None:
    text = render(tmp_path).read_text()
    assert "${" not in text
    assert "server 127.0.0.1:40001" in text
    assert "listen 127.0.0.1:39999 default_server;" in text
    assert "server_name sc.localhost;" in text
    assert f"root {tmp_path / 'web-sc' / 'build' / 'client'};" in text
    assert '"public, max-age=31536000, immutable"' in text
    assert "proxy_set_header Upgrade $http_upgrade;" in text


def test_a_missing_placeholder_names_the_template(tmp_path: Path) -> None:
    template = tmp_path / "bad.conf"
    template.write_text("server ${NOPE};")
    with pytest.raises(scaled.ScaledError, match=r"bad.conf: no value for placeholder \$NOPE"):
        scaled.render(template, {})


@pytest.mark.skipif(not Path(scaled.nginx_bin()).exists(), reason="nginx is not installed")
def test_nginx_accepts_the_rendered_config(tmp_path: Path) -> None:
    conf = render(tmp_path)
    result = subprocess.run(
        [scaled.nginx_bin(), "-t", "-c", str(conf), "-p", str(tmp_path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_loopback_ports_and_urls() -> None:
    assert scaled.pg_url().startswith("postgresql+psycopg://yiwang@127.0.0.1:")
    assert scaled.redis_url().startswith("redis://127.0.0.1:")
