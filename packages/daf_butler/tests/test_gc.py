"""The garbage-collector pauses: nesting, threads, and the start-up hold of commands."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from skybutler.daf_butler._gc import hold_for_start_up, paused_gc, release_after_start_up


@pytest.fixture(autouse=True)
def collector_on() -> Iterator[None]:
    """Each test starts, and leaves, with the collector on."""
    gc.enable()
    yield
    release_after_start_up()
    gc.enable()


def test_nested_pauses_resume_at_the_last() -> None:
    with paused_gc():
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_error_inside_still_resumes() -> None:
    seen = []

    def fail() -> None:
        with paused_gc():
            seen.append(gc.isenabled())
            raise RuntimeError("fail inside")

    with pytest.raises(RuntimeError, match="fail inside"):
        fail()
    assert seen == [False]
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    with paused_gc():
        pass
    assert not gc.isenabled()


def test_pauses_overlapping_across_threads() -> None:
    inside, leave = threading.Event(), threading.Event()

    def other() -> None:
        with paused_gc():
            inside.set()
            leave.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    assert inside.wait(5)
    with paused_gc():
        pass
    assert not gc.isenabled(), "the other thread's pause is still on"
    leave.set()
    thread.join()
    assert gc.isenabled()


def test_start_up_hold_freezes_what_was_allocated() -> None:
    hold_for_start_up()
    hold_for_start_up()  # a second hold is the same hold
    with paused_gc():
        pass
    assert not gc.isenabled()
    before = gc.get_freeze_count()
    kept = [[i] for i in range(1000)]
    release_after_start_up()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= before + len(kept)
    gc.unfreeze()
    release_after_start_up()  # nothing held: no effect
    assert gc.isenabled()
