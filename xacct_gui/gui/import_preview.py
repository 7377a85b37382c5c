"""What the import preview shows for each profile found, and the summary under it.

The preview is a table: one row per :class:`~xacct_gui.core.importers.ImportItem`
(new / changed / unchanged / invalid, with the changed fields or the reason).
:func:`preview_table` builds the table, :func:`preview_row` a row's cells; only
new and changed rows can be ticked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from xacct_gui.core.importers import ImportItem, count_statuses, describe_counts
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.gui.widgets.plain_text import plain_tooltip
from xacct_gui.gui.widgets.swatches import SwatchCache

# One icon per colour for every preview: painting one per row was most of the cost of
# showing 20,000 imported profiles.
_SWATCHES = SwatchCache()

COL_INCLUDE, COL_NAME, COL_STATUS, COL_ROLE, COL_DETAILS = range(5)
HEADERS = ("Import", "Name", "Status", "Account / role", "Details")

# How the changed fields are named on screen (RoleProfile.to_dict keys).
FIELD_LABELS = {
    "name": "name",
    "account_id": "account",
    "role_name": "role",
    "external_id": "ExternalId",
    "color": "colour",
    "source_profile": "source profile",
    "region": "region",
    "mfa_serial": "MFA device",
    "session_name": "session name",
    "duration_seconds": "duration",
    "source_key": "sign-in key",
    "source_role": "source role",
    "source_identity": "source identity",
}
STATUS_LABELS = {
    "new": "New",
    "changed": "Changed",
    "unchanged": "Unchanged",
    "invalid": "Invalid",
}


def import_button_text(count: int) -> str:
    return f"Import {count} profile" if count == 1 else f"Import {count} profiles"


def status_text(item: ImportItem) -> str:
    """``Changed: region, colour`` — the status and, for a change, what changes."""
    label = STATUS_LABELS[item.status]
    if item.status == "changed" and item.changes:
        return f"{label}: " + ", ".join(FIELD_LABELS.get(key, key) for key in item.changes)
    return label


def _shown(value: object) -> str:
    return "(none)" if value in (None, "") else str(value)


def change_summary(
    before: RoleProfile | None, after: RoleProfile | None, changes: Sequence[str]
) -> str:
    """ "colour: red → green · region: eu-west-1 → us-east-1" for a changed row."""
    if before is None or after is None:
        return ""
    old, new = before.to_dict(), after.to_dict()
    return " · ".join(
        f"{FIELD_LABELS.get(key, key)}: {_shown(old.get(key))} → {_shown(new.get(key))}"
        for key in changes
    )


class _NoFocusFrame(QStyledItemDelegate):
    """Cells without the dotted focus frame: the whole row's selection shows where one
    is, and a frame around one cell (the tick box) only looked stray."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Any) -> None:
        super().initStyleOption(option, index)
        option.state &= ~QStyle.StateFlag.State_HasFocus


def preview_table(parent: QWidget, rows: int) -> QTableWidget:
    """The empty preview table (``importTable``) with its columns and ``rows`` rows."""
    table = QTableWidget(rows, len(HEADERS), parent)
    table.setObjectName("importTable")
    table.setAccessibleName("Profiles to import")
    table.setHorizontalHeaderLabels(list(HEADERS))
    table.verticalHeader().setVisible(False)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # One line per row, all the same height (the full text is in each cell's tooltip):
    # wrapping made rows three to six times taller than their text, and uneven.
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    table.setItemDelegate(_NoFocusFrame(table))
    rows_header = table.verticalHeader()
    rows_header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows_header.setDefaultSectionSize(max(table.fontMetrics().height(), 16) + 10)
    header = table.horizontalHeader()
    for column in (COL_INCLUDE, COL_NAME, COL_STATUS, COL_ROLE):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(COL_DETAILS, QHeaderView.ResizeMode.Stretch)
    return table


def preview_row(
    item: ImportItem, muted: QColor, before: RoleProfile | None = None
) -> tuple[QTableWidgetItem, ...]:
    """The cells of ``item``'s row, in column order; rows that cannot be imported are
    ``muted``; ``before`` is the saved profile a changed row changes."""
    include = QTableWidgetItem()
    if item.importable:
        include.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        include.setCheckState(Qt.CheckState.Checked)
        include.setToolTip("Import this profile")
    else:
        # Shown but not tickable: there is nothing to import.
        include.setFlags(Qt.ItemFlag.NoItemFlags)
        include.setCheckState(Qt.CheckState.Unchecked)
        include.setToolTip(
            "Invalid: cannot be imported"
            if item.status == "invalid"
            else "Already saved exactly like this"
        )
    name = QTableWidgetItem(item.name)
    if item.profile is not None:
        name.setIcon(_SWATCHES.icon(item.profile.color_hex))
    status = QTableWidgetItem(status_text(item))
    role = QTableWidgetItem(
        f"{item.profile.account_id} / {item.profile.role_name}" if item.profile else ""
    )
    where = f"Line {item.line}. " if item.line else ""
    changed = change_summary(before, item.profile, item.changes) if item.status == "changed" else ""
    text = " · ".join(part for part in (changed, item.reason) if part)
    details = QTableWidgetItem(text)
    details.setToolTip(plain_tooltip(where + text if text else where.strip()))
    cells = (include, name, status, role, details)
    for column, cell in enumerate(cells):
        if column != COL_INCLUDE:
            cell.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
        if item.status in ("invalid", "unchanged") and column != COL_DETAILS:
            cell.setForeground(QBrush(muted))
    return cells


def summary_text(items: Sequence[ImportItem], chosen: int, source: str = "") -> str:
    """What was found (by status) and how many are ticked, or why nothing was found."""
    total = len(items)
    if total == 0:
        return (
            "No role profiles were found"
            + (f" in {source}" if source else "")
            + ". Only profiles with a role (role_arn, or an account and a role name) "
            "can be imported."
        )
    found = "1 profile" if total == 1 else f"{total} profiles"
    text = f"Found {found}: {describe_counts(items)}. {chosen} ticked."
    if count_statuses(items)["invalid"]:
        text += " Invalid ones say why in Details."
    return text
