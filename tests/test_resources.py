"""Each worker of a pool gets its share of the cores for its models."""

from __future__ import annotations

import os

import pytest

from govreport.resources import THREADS_ENV, compute_threads, share_cores


def test_threads_follow_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THREADS_ENV, "3")
    assert compute_threads() == 3
    monkeypatch.setenv(THREADS_ENV, "nonsense")
    assert 1 <= compute_threads() <= 4


def test_a_pool_worker_takes_its_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(THREADS_ENV, "1")  # so monkeypatch restores the variable share_cores sets
    monkeypatch.delenv(THREADS_ENV)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    share_cores(4)
    assert compute_threads() == 2
    share_cores(16)
    assert compute_threads() == 1
