"""Form fields with inline errors: the error label, the field-plus-error cell, line edits."""

from __future__ import annotations

import itertools

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

# Error text must stay readable on both light and dark window palettes.
_ERROR_ON_LIGHT = "#b3261e"
_ERROR_ON_DARK = "#ff8a80"


def make_error_label(parent: QWidget, object_name: str, *, reserve: bool = True) -> QLabel:
    """A hidden, wrapping, selectable label for one field's error, readable on any palette.

    ``reserve`` keeps its line while hidden, so the fields below never move; a field
    with several alternative errors (one per kind of source) reserves none."""
    label = QLabel(parent)
    label.setObjectName(object_name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    window = parent.palette().color(QPalette.ColorRole.Window)
    color = _ERROR_ON_DARK if window.lightness() < 128 else _ERROR_ON_LIGHT
    label.setStyleSheet(f"color: {color};")
    if reserve:
        policy = label.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the line is reserved: fields never move
        label.setSizePolicy(policy)
        label.setMinimumHeight(label.fontMetrics().height())  # one line, even while empty
    label.hide()
    return label


NBSP = "\u00a0"


def keep_symbols_together(text: str) -> str:
    """Join runs of lone symbols ("@ : / _ -") with no-break spaces, so wrapping never
    leaves one of them alone on a line."""

    def lone(word: str) -> bool:
        return 0 < len(word) <= 2 and not any(c.isalnum() for c in word)

    words = text.split(" ")
    out = words[:1]
    for before, word in itertools.pairwise(words):
        out.append((NBSP if lone(word) or lone(before) else " ") + word)
    return "".join(out)


def show_error(label: QLabel, message: str | None) -> None:
    """Show ``message`` in an error label, or hide the label when there is none.

    A hidden error keeps its line (see :func:`make_error_label`), so fields do not
    move under the pointer as errors come and go."""
    label.setText(keep_symbols_together(message) if message else "")
    label.setVisible(message is not None)


def error_cell(parent: QWidget, field: QWidget, error: QLabel) -> QWidget:
    """One form cell: ``field`` with its error label right under it."""
    cell = QWidget(parent)
    layout = QVBoxLayout(cell)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return cell


def add_field_row(
    form: QFormLayout, parent: QWidget, text: str, field: QWidget, error_name: str
) -> tuple[QWidget, QLabel]:
    """A labelled ``field`` with an error label (objectName ``error_name``) under it.

    The row's label is the field's buddy, so its mnemonic focuses the field.
    Returns the cell (the row's handle for ``QFormLayout.setRowVisible``) and
    the error label.
    """
    label = QLabel(text, parent)
    label.setBuddy(field)
    error = make_error_label(parent, error_name)
    cell = error_cell(parent, field, error)
    form.addRow(label, cell)
    return cell, error


def line_edit(
    parent: QWidget, object_name: str, placeholder: str, *, clear_button: bool = False
) -> QLineEdit:
    """A named line edit with a placeholder (and, if asked, a clear button)."""
    edit = QLineEdit(parent)
    edit.setObjectName(object_name)
    edit.setPlaceholderText(placeholder)
    if clear_button:
        edit.setClearButtonEnabled(True)
    return edit


def optional_text(text: str) -> str | None:
    """A field's text without surrounding spaces; None when nothing is left."""
    stripped = text.strip()
    return stripped or None


def editable_combo(parent: QWidget, object_name: str, placeholder: str) -> QComboBox:
    """A combo that also takes typed text; typed text is a value, never a new list entry."""
    combo = QComboBox(parent)
    combo.setObjectName(object_name)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    edit = combo.lineEdit()
    if edit is not None:
        edit.setPlaceholderText(placeholder)
    return combo
