"""Test-wide setup: every test run gets its own data directory, so indexes never leak between runs."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Set before any test module imports the assistant, so settings read it at first use.
_DATA = Path(tempfile.mkdtemp(prefix="pa-test-data-"))
os.environ.setdefault("POLICY_ASSISTANT_DATA_DIR", str(_DATA))
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return Path(os.environ["POLICY_ASSISTANT_DATA_DIR"])


@pytest.fixture(scope="session")
def seed_corpus():
    from corpus import default_corpus

    return default_corpus()


@pytest.fixture(autouse=True)
def _bundled_library_after_each_test():
    """A test that loads a data directory's documents (`loaded_corpus`) makes them the process's library; the next
    test starts from the bundled documents again."""
    yield
    from corpus import use_library

    use_library(None)
