"""Helpers for tests and benchmarks of the web app: a real server on a free loopback port, headless chromium."""

from __future__ import annotations

from webapp.server import BackgroundServer, create_app
from webapp.services import Services

CHROMIUM = "/usr/bin/chromium"  # Debian's package; playwright's own browser downloads are never used
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage"]


def start_server(services: Services | None = None, warm: bool = True) -> BackgroundServer:
    """The full app (UI and APIs) served from a thread on 127.0.0.1; call .stop() when done."""
    services = services or Services()
    if warm:
        services.warm()
    return BackgroundServer(create_app(services=services)).start()


def served():
    """A started server for the length of a pytest fixture: `pytest.fixture(scope="module")(served)`."""
    srv = start_server()
    try:
        yield srv
    finally:
        srv.stop()


def free_port() -> int:
    """A loopback port free right now (for a subprocess that must be told its port)."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch_chromium(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def open_tab(page, url: str, name: str) -> None:
    page.goto(url + "/")
    page.get_by_role("tab", name=name).click()

