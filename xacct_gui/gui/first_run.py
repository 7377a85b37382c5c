"""The first-run empty state: three clear ways to get roles instead of an empty table."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QLabel, QPushButton, QVBoxLayout, QWidget

CHOICES = (
    (
        "firstRunSignIn",
        "Sign in with IAM Identity Center",
        "Your organisation's access portal: every account and role appears, colour-coded.",
    ),
    (
        "firstRunAccessKey",
        "Use an access key",
        "An IAM user's access key, kept in your system's keyring.",
    ),
    (
        "firstRunImport",
        "Import",
        "Roles from your AWS config file or the Extend Switch Roles browser extension.",
    ),
)


class FirstRunPanel(QFrame):
    """Shown while there are no profiles; ``chosen`` carries the button's object name."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("firstRunPanel")
        layout = QVBoxLayout(self)
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title = QLabel("No roles yet. How do you sign in to AWS?", self)
        title.setObjectName("firstRunTitle")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        title.setFont(font)
        layout.addWidget(title)
        self.buttons: dict[str, QPushButton] = {}
        for name, text, hint in CHOICES:
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.setMinimumWidth(320)
            button.clicked.connect(lambda _=False, n=name: self.chosen.emit(n))
            note = QLabel(hint, self)
            note.setWordWrap(True)
            layout.addWidget(button)
            layout.addWidget(note)
            self.buttons[name] = button
