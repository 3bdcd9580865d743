"""One bounded temp area for files the web app writes per request (测算单, eval reports): by age and total size.

Each request's files go in their own folder under `<data dir>/tmp`; every new folder first sweeps the area:
folders older than `max_age` go, then the oldest until the total is under `max_bytes`. The web framework's own
copies of those files and of uploads are handed in as extra paths and bounded the same way."""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, MutableSet
from pathlib import Path

MAX_BYTES = 200 * 1024 * 1024
MAX_AGE_SECONDS = 3600


class TempArea:
    def __init__(self, root: str | Path, max_bytes: int = MAX_BYTES, max_age: float = MAX_AGE_SECONDS,
                 clock: Callable[[], float] = time.time):
        self.root = Path(root)
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._extra: list[MutableSet[str]] = []

    def track(self, paths: MutableSet[str]) -> None:
        """Also bound these files (a live set of paths another component writes, e.g. the UI's upload cache)."""
        self._extra.append(paths)

    def folder(self, prefix: str) -> Path:
        """A fresh folder for one request's files, after sweeping the area."""
        self.sweep()
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=prefix, dir=self.root))

    def write(self, name: str, data: bytes | str, prefix: str = "pa-") -> Path:
        path = self.folder(prefix) / name
        if isinstance(data, str):
            path.write_text(data, encoding="utf-8")
        else:
            path.write_bytes(data)
        return path

    def remove(self, path: str | Path) -> None:
        """Delete a file of this area together with its request folder (after it was downloaded or copied)."""
        path = Path(path)
        try:
            rel = path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return
        top = self.root / rel.parts[0] if rel.parts else None
        if top is not None:
            _delete(top)

    def entries(self) -> list[tuple[float, int, Path]]:
        """(modified time, bytes, path) of every request folder and every tracked file, oldest first."""
        out = []
        if self.root.is_dir():
            for child in self.root.iterdir():
                out.append((_mtime(child), _size(child), child))
        for paths in self._extra:
            for p in list(paths):
                path = Path(p)
                if not path.exists():
                    paths.discard(p)
                    continue
                out.append((_mtime(path), _size(path), path))
        return sorted(out, key=lambda e: e[0])

    def total_bytes(self) -> int:
        return sum(size for _, size, _ in self.entries())

    def sweep(self) -> int:
        """Remove what is too old, then the oldest until under the size cap; the number of entries removed."""
        with self._lock:
            entries = self.entries()
            limit = self._clock() - self.max_age
            removed = 0
            total = sum(size for _, size, _ in entries)
            for mtime, size, path in entries:
                if mtime >= limit and total <= self.max_bytes:
                    break
                _delete(path)
                for paths in self._extra:
                    paths.discard(str(path))
                total -= size
                removed += 1
            return removed


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _size(path: Path) -> int:
    try:
        if path.is_file():
            return path.stat().st_size
        return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
    except OSError:
        return 0


def _delete(path: Path) -> None:
    try:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
            return
        path.unlink(missing_ok=True)
        parent = path.parent
        # the framework keeps each copy in a folder of its own (named by a hash): drop it once empty
        if parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
    except OSError:
        pass


def tracked(sets: Iterable[MutableSet[str]]) -> list[MutableSet[str]]:
    return list(sets)


__all__ = ["MAX_AGE_SECONDS", "MAX_BYTES", "TempArea"]
