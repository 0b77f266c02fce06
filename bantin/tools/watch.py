"""Notice edits the moment they are saved: livereload's Watcher, told of changes by Linux inotify.

livereload's own Watcher stats every watched file on each poll, which costs ~90 ms per
10,000 files and adds up to a poll interval of delay to every save. inotify reports each
change as it happens and costs nothing while the editor is idle. Where inotify is missing
(or the files sit on a network share it cannot see), `serve --poll` keeps livereload's scan.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import struct
from typing import Callable

from livereload.watcher import Watcher
from tornado.ioloop import IOLoop

from ..stages.discover import is_ignored

IN_ATTRIB, IN_CLOSE_WRITE = 0x4, 0x8
IN_MOVED_FROM, IN_MOVED_TO, IN_CREATE, IN_DELETE = 0x40, 0x80, 0x100, 0x200
IN_DELETE_SELF, IN_MOVE_SELF, IN_Q_OVERFLOW, IN_ISDIR = 0x400, 0x800, 0x4000, 0x40000000
# Not IN_MODIFY: a save is reported once, when the file is closed, so a rebuild never reads half a file.
MASK = (IN_ATTRIB | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_CREATE | IN_DELETE
        | IN_DELETE_SELF | IN_MOVE_SELF)
EVENT = struct.Struct("iIII")
NEW_FOLDER = IN_CREATE | IN_MOVED_TO


class InotifyWatcher(Watcher):
    """Watch files and folder trees with inotify; `examine()` reports what changed since last asked."""

    def __init__(self) -> None:
        """Open an inotify instance; raise OSError where the system has none."""
        super().__init__()
        self.libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        self.fd = self.libc.inotify_init1(os.O_NONBLOCK | os.O_CLOEXEC)
        if self.fd < 0:
            raise OSError(ctypes.get_errno(), "inotify_init1 failed")
        self.folders: dict[int, str] = {}
        self.recursive: set[str] = set()
        self.pending: list[str] = []
        self.changes: list[str] | None = []  # since the last rebuild; None once a folder moved or events were lost

    def watch(self, path: str, func: Callable | None = None, delay: float | None = None, ignore=None) -> None:
        """Watch a file (through its folder) or a whole folder tree; a missing folder is watched for."""
        path = os.path.abspath(path)
        super().watch(path, func, delay, ignore)
        if os.path.isdir(path):
            self.recursive.add(path)
            self.add_tree(path)
        elif os.path.isdir(os.path.dirname(path)):
            self.add_folder(os.path.dirname(path))
        if not os.path.exists(path):
            self.recursive.add(path)  # a folder such as theme/ may be created later

    def add_folder(self, folder: str) -> None:
        """Ask the kernel to report changes in one folder."""
        wd = self.libc.inotify_add_watch(self.fd, os.fsencode(folder), MASK)
        if wd < 0:
            raise OSError(ctypes.get_errno(), f"inotify_add_watch failed for {folder}")
        self.folders[wd] = folder

    def add_tree(self, top: str) -> None:
        """Watch a folder and every folder below it, skipping hidden ones such as .git."""
        for folder, dirs, _ in os.walk(top):
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            self.add_folder(folder)

    def start(self, callback: Callable[[], None]) -> bool:
        """Call `callback` whenever the kernel reports a change; True tells livereload not to poll."""
        IOLoop.current().add_handler(self.fd, lambda fd, events: self.read(callback), IOLoop.READ)
        return True

    def read(self, callback: Callable[[], None]) -> None:
        """Drain the kernel's queue of events and note the watched paths they touch."""
        while True:
            try:
                data = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            for wd, mask, name in events(data):
                self.note(wd, mask, name)
        if self.pending:
            callback()

    def note(self, wd: int, mask: int, name: str) -> None:
        """Record one event, following folders as they appear and forget them as they go."""
        if mask & IN_Q_OVERFLOW:
            self.pending.extend(self._tasks)  # events were lost: assume everything changed
            self.changes = None
            return
        folder = self.folders.get(wd)
        if folder is None:
            return
        if mask & (IN_DELETE_SELF | IN_MOVE_SELF):
            self.folders.pop(wd, None)
            self.pending.append(folder)
            self.changes = None
            return
        if not name or is_ignored(name):
            return
        path = os.path.join(folder, name)
        if mask & IN_CREATE and not mask & IN_ISDIR and not os.path.islink(path):
            return  # a new file is reported again when its writer closes it
        if mask & IN_ISDIR and mask & NEW_FOLDER and self.task_of(path, self.recursive):
            try:
                self.add_tree(path)
            except OSError:
                pass  # gone already, or out of watches: the rebuild still runs
        if self.task_of(path, self._tasks):
            self.pending.append(path)
            if mask & IN_ISDIR:
                self.changes = None  # a folder came or went: the rebuild must look at everything
            elif self.changes is not None:
                self.changes.append(path)

    def take_changes(self) -> list[str] | None:
        """Return every file changed since last asked, or None when the watcher cannot tell; start afresh."""
        changes, self.changes = self.changes, []
        return changes

    @staticmethod
    def task_of(path: str, tasks) -> str | None:
        """Return the watched path that covers `path`, if any."""
        return next((t for t in tasks if path == t or path.startswith(t + os.sep)), None)

    def examine(self) -> tuple[str | None, None]:
        """Run the functions of the watched paths that changed; return the last changed path."""
        changed, self.pending = self.pending, []
        for task, item in self._tasks.items():
            if item["func"] and any(self.task_of(path, (task,)) for path in changed):
                item["func"]()
        self.filepath = changed[-1] if changed else None
        return self.filepath, None

    def close(self) -> None:
        """Stop watching and release the kernel's resources."""
        if self.fd >= 0:
            try:
                IOLoop.current().remove_handler(self.fd)
            except (KeyError, ValueError):
                pass
            os.close(self.fd)
            self.fd = -1


def events(data: bytes) -> list[tuple[int, int, str]]:
    """Decode a buffer of inotify_event records into (watch, mask, name) triples."""
    found, offset = [], 0
    while offset + EVENT.size <= len(data):
        wd, mask, _, length = EVENT.unpack_from(data, offset)
        raw = data[offset + EVENT.size:offset + EVENT.size + length]
        found.append((wd, mask, os.fsdecode(raw.rstrip(b"\0"))))
        offset += EVENT.size + length
    return found


def make_watcher(poll: bool) -> tuple[Watcher, str]:
    """Return the best watcher available, and a note for the terminal when it is the slow one."""
    if poll:
        return Watcher(), ""
    try:
        return InotifyWatcher(), ""
    except (OSError, AttributeError):
        return Watcher(), "Hệ thống không hỗ trợ inotify: chuyển sang quét định kỳ (chậm hơn một chút)."
