"""The web app's temp area: one folder per request under the data directory, bounded by age and total size."""

from __future__ import annotations

import os

from webapp.tempfiles import TempArea


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self) -> float:
        return self.t


def aged(path, seconds_ago: float, now: float) -> None:
    os.utime(path, (now - seconds_ago, now - seconds_ago))


def test_request_folders_older_than_the_age_limit_are_removed_on_the_next_write(tmp_path):
    clock = Clock(1_000_000.0)
    area = TempArea(tmp_path / "tmp", max_bytes=10**9, max_age=3600, clock=clock)
    old = area.write("a.pdf", b"x" * 10, prefix="pa-report-")
    aged(old.parent, 7200, clock.t)
    fresh = area.write("b.pdf", b"y" * 10, prefix="pa-report-")
    assert not old.parent.exists() and fresh.exists()


def test_the_total_size_is_capped_oldest_first(tmp_path):
    clock = Clock(2_000_000.0)
    area = TempArea(tmp_path / "tmp", max_bytes=2500, max_age=10**9, clock=clock)
    paths = []
    for i in range(3):
        p = area.write(f"r{i}.json", b"z" * 1000, prefix="pa-eval-")
        aged(p.parent, 100 - i, clock.t)
        paths.append(p)
    area.write("r3.json", b"z" * 1000, prefix="pa-eval-")
    assert not paths[0].exists() and paths[1].exists() and paths[2].exists()
    assert area.total_bytes() <= 3000  # under the cap before the last write, which adds one more


def test_tracked_files_of_the_framework_count_against_the_bound_and_leave_the_set(tmp_path):
    clock = Clock(3_000_000.0)
    area = TempArea(tmp_path / "tmp", max_bytes=10**9, max_age=60, clock=clock)
    cache = tmp_path / "cache" / "abc123"
    cache.mkdir(parents=True)
    upload = cache / "upload.yaml"
    upload.write_text("cases: []", encoding="utf-8")
    aged(upload, 600, clock.t)
    tracked = {str(upload)}
    area.track(tracked)
    area.sweep()
    assert not upload.exists() and not cache.exists() and tracked == set()


def test_removing_a_file_takes_its_request_folder_and_nothing_outside_the_area(tmp_path):
    area = TempArea(tmp_path / "tmp")
    p = area.write("奖补测算单.pdf", b"%PDF", prefix="pa-report-")
    outside = tmp_path / "keep.txt"
    outside.write_text("keep", encoding="utf-8")
    area.remove(outside)
    area.remove(p)
    assert not p.parent.exists() and outside.exists()
