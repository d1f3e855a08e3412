"""Processor-time alarms for threads that signals cannot reach: requests in served and web threads."""

from __future__ import annotations

import threading
import time

from searchkit.query import alarms, limits


def in_thread(work):
    """``work()`` in a new thread: what it returned or raised."""
    out = {}

    def run():
        try:
            out["returned"] = work()
        except BaseException as exc:  # noqa: BLE001 (what the thread raised is the result)
            out["raised"] = type(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(timeout=30)
    return out


def spin(seconds: float) -> float:
    started = time.thread_time()
    while time.thread_time() - started < seconds:
        pass
    return time.thread_time() - started


def test_a_thread_past_its_hard_limit_is_stopped_after_that_much_processor_time():
    def request():
        with limits.hard_stop(0.1):
            spin(5)

    started = time.perf_counter()
    assert in_thread(request) == {"raised": limits.Overrun}
    assert time.perf_counter() - started < 2


def test_a_request_within_its_limit_is_left_alone_and_nothing_fires_later():
    def request():
        with limits.hard_stop(0.2):
            spin(0.05)
        spin(0.3)  # past the limit, once the request is over
        return "done"

    assert in_thread(request) == {"returned": "done"}


def test_an_alarm_runs_its_action_once_the_thread_used_that_much_processor_time():
    rang = []

    def work():
        alarm = alarms.after_cpu(0.05, lambda: rang.append(time.thread_time()))
        sleeping = time.perf_counter()
        time.sleep(0.2)  # the clock runs, the thread's processor time does not
        assert not rang and time.perf_counter() - sleeping >= 0.2
        spin(0.2)
        return alarms.cancel(alarm)

    assert in_thread(work) == {"returned": True} and len(rang) == 1


def test_an_alarm_cancelled_before_it_is_due_never_fires():
    rang = []

    def work():
        alarm = alarms.after_cpu(0.1, lambda: rang.append(1))
        fired = alarms.cancel(alarm)
        spin(0.2)
        return fired

    assert in_thread(work) == {"returned": False} and not rang
