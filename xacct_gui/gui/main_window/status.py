"""The status bar's session part: bucket count, identity, expiry countdown, busy bar."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, Qt, QTimer, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QProgressBar, QSizePolicy, QStatusBar, QWidget

from xacct_gui.gui.widgets.eliding_label import ElidingLabel
from xacct_gui.gui.widgets.plain_text import plain, plain_tooltip

if TYPE_CHECKING:  # botocore is imported after the window shows
    from xacct_gui.core.aws import SwitchResult

COUNTDOWN_INTERVAL_MS = 1_000
# Work that ends sooner shows no busy bar: people notice a delay from ~0.1-0.2 s on.
BUSY_SHOW_DELAY_MS = 150
# The widest texts the count and expiry labels show: their width is fixed from these, so
# a new text never relayouts the status bar (and repaints the window around it).
WIDEST_COUNT = "100,000 of 100,000 buckets"
WIDEST_EXPIRY = "Session expires 00:00 (in 11 h 59 min)"


def _fix_size(label: QLabel, widest: str) -> None:
    """Fixed in both directions: Qt then skips the layout pass on setText()."""
    metrics = label.fontMetrics()
    margins = label.contentsMargins()
    label.setFixedSize(
        metrics.horizontalAdvance(widest) + margins.left() + margins.right() + 8,
        label.sizeHint().height(),
    )


class FixedSizeHost(QWidget):
    """Holds one widget at exactly its own size, whatever the widget's text.

    Qt skips the layout pass on a text change only for a widget of fixed size; this
    host takes the space its layout gives it (as an ``Ignored`` width would) and fixes
    the held widget to it, so the status bar around it is never laid out again.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._held: QWidget | None = None
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def hold(self, widget: QWidget) -> None:
        self._held = widget
        widget.setFixedSize(self.size())

    def sizeHint(self) -> QSize:
        held = self._held
        return QSize(0, held.sizeHint().height() if held is not None else 0)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._held is not None:
            self._held.setFixedSize(event.size())
        super().resizeEvent(event)


def _keep_space_when_hidden(widget: QWidget) -> None:
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


def describe_expiry(expiration: datetime, now: datetime) -> str:
    """ "Session expires 14:05 (in 52 min)" — local clock time plus time left."""
    left = expiration - now
    minutes = int(left.total_seconds() // 60)
    when = expiration.astimezone().strftime("%H:%M")
    if left.total_seconds() <= 0:
        return f"Session expired at {when}"
    if minutes >= 60:
        return f"Session expires {when} (in {minutes // 60} h {minutes % 60:02d} min)"
    if minutes >= 5:
        return f"Session expires {when} (in {minutes} min)"
    seconds = int(left.total_seconds())
    return f"Session expires {when} (in {seconds // 60}:{seconds % 60:02d})"


class SessionStatus(QObject):
    """Fills ``status_bar`` with the widgets the tests and screen readers find by name."""

    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self._status_bar = status_bar
        self._result: SwitchResult | None = None
        self._expiration: datetime | None = None
        self.count_label = plain(QLabel(status_bar))
        self.count_label.setObjectName("bucketCount")
        # A long ARN is shortened in the middle, never cut off at its session name.
        # Its width comes from the stretch, never from its text: it sits in a host that
        # keeps it at a fixed size, so a new ARN on every switch moves nothing and lays
        # nothing out again (that cost ~0.25 ms of every switch's frame).
        self._identity_host = FixedSizeHost(status_bar)
        self.identity_label = plain(ElidingLabel(self._identity_host))
        self.identity_label.setObjectName("identityLabel")
        self.identity_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._identity_host.hold(self.identity_label)
        self.expiry_label = plain(QLabel(status_bar))
        self.expiry_label.setObjectName("expiryLabel")
        self.expiry_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        _fix_size(self.count_label, WIDEST_COUNT)
        _fix_size(self.expiry_label, WIDEST_EXPIRY)  # it changes every second
        self.busy = QProgressBar(status_bar)
        self.busy.setObjectName("busyIndicator")
        self.busy.setRange(0, 0)  # indeterminate
        self.busy.setMaximumWidth(120)
        self.busy.setMaximumHeight(14)
        self.busy.setTextVisible(False)
        self.busy.setVisible(False)
        _keep_space_when_hidden(self.busy)  # shown and hidden on slow switches
        self._show_busy = QTimer(self)
        self._show_busy.setSingleShot(True)
        self._show_busy.setInterval(BUSY_SHOW_DELAY_MS)
        self._show_busy.timeout.connect(self._reveal_busy)
        # The status text lines up with the window's content (12 px in), not 2 px.
        status_bar.setContentsMargins(8, 0, 8, 0)
        status_bar.setStyleSheet("QStatusBar::item { border: none; }")
        status_bar.setSizeGripEnabled(False)
        status_bar.addWidget(self.count_label)
        status_bar.addWidget(self._identity_host, 1)
        status_bar.addPermanentWidget(self.busy)
        status_bar.addPermanentWidget(self.expiry_label)
        self._countdown = QTimer(self)
        self._countdown.setInterval(COUNTDOWN_INTERVAL_MS)
        self._countdown.timeout.connect(self.update_expiry)
        self._countdown.start()

    @Slot(bool)
    def set_busy(self, busy: bool, *, at_once: bool = False) -> None:
        """Show the busy bar once work has gone on for :data:`BUSY_SHOW_DELAY_MS` (or
        ``at_once``): a switch that answers sooner shows none, so it neither flickers
        nor animates, and its status bar is laid out once."""
        if not busy:
            self._show_busy.stop()
            self.busy.setVisible(False)
        elif at_once:
            self._show_busy.stop()
            self.busy.setVisible(True)
        elif not self.busy.isVisible() and not self._show_busy.isActive():
            self._show_busy.start()

    @Slot()
    def _reveal_busy(self) -> None:
        self.busy.setVisible(True)

    @Slot(str)
    def set_count(self, text: str) -> None:
        self.count_label.setText(text)

    def show_message(self, text: str, timeout_ms: int) -> None:
        self._status_bar.showMessage(text, timeout_ms)

    def show_session(self, result: SwitchResult | None) -> None:
        self._result = result
        if result is None:
            self.show_identity(None, None)
        else:
            self.show_identity(result.identity_arn, result.expiration)

    def show_identity(self, arn: str | None, expiration: datetime | None) -> None:
        """The assumed-role ARN and its expiry (also when listing was refused)."""
        self._expiration = expiration
        if arn is None:
            self.identity_label.clear()
        else:
            self.identity_label.setText(arn)
            self.identity_label.setToolTip(
                plain_tooltip(f"{arn}\nThe assumed-role identity AWS sees")
            )
        self.update_expiry()

    @property
    def expiration(self) -> datetime | None:
        return self._expiration

    @Slot()
    def update_expiry(self) -> None:
        if self._expiration is None:
            self.expiry_label.clear()
            return
        self.expiry_label.setText(describe_expiry(self._expiration, datetime.now(timezone.utc)))

    def stop(self) -> None:
        self._countdown.stop()
