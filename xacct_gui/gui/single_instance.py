"""One running window per config dir.

The first window holds a lock file in the config dir and listens on a local
socket named after that dir. A second launch with the same dir fails to take
the lock, asks the first window (through the socket) to come to the front and
exits 0. Two windows on one ``profiles.json`` would otherwise overwrite each
other's changes. Headless commands never take the lock: they may run beside a
window (see docs/architecture.md, "Files on disk").
"""

from __future__ import annotations

import hashlib
import logging
import time
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

LOCK_FILE_NAME = "window.lock"
ACTIVATE = b"activate\n"
ACKNOWLEDGED = b"ok\n"
# The first window may still be starting (lock taken, socket not yet listening).
CONNECT_PATIENCE_S = 3.0
REPLY_WAIT_MS = 1_000


def server_name(config_dir: Path) -> str:
    """A short, stable socket name for ``config_dir`` (Unix socket paths are short)."""
    digest = hashlib.sha256(str(config_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"xacct-gui-{digest}"


class SingleInstance(QObject):
    """Owns the lock and the socket of the one window for ``config_dir``."""

    activation_requested = Signal()

    def __init__(self, config_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = server_name(config_dir)
        self._lock = QLockFile(str(config_dir / LOCK_FILE_NAME))
        # No time-based staleness: a lock is stale only when its process is gone,
        # which QLockFile checks by the PID it wrote.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the lock and start listening; False when another window holds it."""
        if not self._lock.tryLock(0):
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # A socket left by a window that crashed: ours now, since we hold the lock.
        QLocalServer.removeServer(self._name)
        if not server.listen(self._name):
            # The window still works; a second launch just cannot reach it.
            log.warning("cannot listen for other launches: %s", server.errorString())
        server.newConnection.connect(self._on_new_connection)
        self._server = server
        return True

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()

    @Slot()
    def _on_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(socket.deleteLater)

    @Slot()
    def _on_ready_read(self) -> None:
        socket = self.sender()
        if not isinstance(socket, QLocalSocket):
            return
        if not socket.canReadLine():
            return
        if bytes(socket.readLine().data()) == ACTIVATE:
            self.activation_requested.emit()
            socket.write(ACKNOWLEDGED)
            socket.flush()
        socket.disconnectFromServer()


def activate_running_window(config_dir: Path, patience_s: float = CONNECT_PATIENCE_S) -> bool:
    """Ask the window holding ``config_dir`` to come to the front; True when it answered."""
    name = server_name(config_dir)
    deadline = time.monotonic() + patience_s
    while True:
        socket = QLocalSocket()
        socket.connectToServer(name)
        if socket.waitForConnected(REPLY_WAIT_MS):
            socket.write(ACTIVATE)
            socket.waitForBytesWritten(REPLY_WAIT_MS)
            answered = (
                socket.waitForReadyRead(REPLY_WAIT_MS)
                and bytes(socket.readLine().data()) == ACKNOWLEDGED
            )
            socket.disconnectFromServer()
            return answered
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
