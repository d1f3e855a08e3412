"""Alarms on one thread's processor time, for threads that signals cannot reach.

A request in the main thread is stopped by a processor-time signal (``limits.hard_stop``). A request in
any other thread (a served search, a page of the web server) gets ``after_cpu``: one watching thread per
process wakes when the nearest alarm may be due (a thread's processor time never runs faster than the
clock), reads each watched thread's own CPU clock and runs the alarm's action once it is due. ``stop_thread``
is the action that stops a request: it raises an exception in that thread at its next Python step, as a
signal handler would in the main thread (neither interrupts a long call into C).
"""

from __future__ import annotations

import ctypes
import threading
import time
from dataclasses import dataclass
from typing import Callable, Optional

POLL_SECONDS = 0.01  # the shortest wait between two looks at the watched threads' clocks


@dataclass
class Alarm:
    clock: int  # the watched thread's CPU clock
    due: float  # the clock's reading at which ``action`` runs
    action: Callable[[], None]
    fired: bool = False


class Watcher:
    """The process's watching thread and its alarms."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.alarms: list[Alarm] = []
        self.wake = threading.Event()
        self.thread: Optional[threading.Thread] = None

    def add(self, alarm: Alarm) -> None:
        with self.lock:
            self.alarms.append(alarm)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self.watch, name="searchkit-cpu-alarms", daemon=True)
                self.thread.start()
        self.wake.set()

    def cancel(self, alarm: Alarm) -> bool:
        """Take the alarm off; whether it had fired."""
        with self.lock:
            if alarm in self.alarms:
                self.alarms.remove(alarm)
            return alarm.fired

    def watch(self) -> None:
        while True:
            self.wake.clear()
            with self.lock:
                wait = min((self.ring_due() or [3600.0]))
            self.wake.wait(max(wait, POLL_SECONDS))

    def ring_due(self) -> list[float]:
        """Run the actions of the alarms that are due (the lock held); how long until each other may be."""
        waits = []
        for alarm in list(self.alarms):
            try:
                now = time.clock_gettime(alarm.clock)
            except OSError:  # the thread has ended
                self.alarms.remove(alarm)
                continue
            if now >= alarm.due:
                self.alarms.remove(alarm)
                alarm.fired = True
                alarm.action()
            else:
                waits.append(alarm.due - now)
        return waits


_WATCHER = Watcher()


def after_cpu(seconds: float, action: Callable[[], None], ident: Optional[int] = None) -> Alarm:
    """Run ``action`` (in the watching thread) once thread ``ident`` (this one when None) has used
    ``seconds`` more of processor time; ``cancel`` it when the work is done."""
    ident = threading.get_ident() if ident is None else ident
    clock = time.pthread_getcpuclockid(ident)
    alarm = Alarm(clock, time.clock_gettime(clock) + seconds, action)
    _WATCHER.add(alarm)
    return alarm


def cancel(alarm: Alarm) -> bool:
    """Take ``alarm`` off; whether it had fired."""
    return _WATCHER.cancel(alarm)


def stop_thread(ident: int, exception: type[BaseException]) -> None:
    """Raise ``exception`` in thread ``ident`` at its next Python step."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exception))


def unstop_thread(ident: int) -> None:
    """Take back an exception ``stop_thread`` sent that the thread has not raised yet."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), None)
