"""Preview the profiles discovered in an organisation, then add the ones ticked.

The window fetches the account list on its worker (``core.discovery``) and
hands it here; every edit (role name, source, colour rules) recomputes the
preview with the pure :func:`~xacct_gui.core.discovery.build_candidates`, so
what the table shows is exactly what OK adds. Accounts already saved with the
same role are listed (so the user sees nothing was missed) but cannot be added
twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.discovery import (
    DEFAULT_ROLE_NAME,
    DEFAULT_RULES,
    FALLBACK_COLOR,
    Account,
    Candidate,
    ColorRule,
    Source,
    build_candidates,
)
from xacct_gui.core.profiles import RoleProfile
from xacct_gui.core.validation import check_role_name
from xacct_gui.gui.discovery_rules import ColorRulesEditor
from xacct_gui.gui.item_roles import ACCOUNT_ID_ROLE
from xacct_gui.gui.widgets.buttons import ok_cancel_buttons
from xacct_gui.gui.widgets.plain_text import plain, plain_tooltip
from xacct_gui.gui.widgets.swatches import SwatchCache

# Preview columns.
COL_ADD, COL_NAME, COL_ACCOUNT, COL_COLOR, COL_STATUS = range(5)
STATUS_NEW = "new"

AccountLike = Account | tuple[str, str]


def _as_account(item: AccountLike) -> Account:
    return item if isinstance(item, Account) else Account(str(item[0]), str(item[1]))


def status_text(candidate: Candidate) -> str:
    if candidate.existing is None:
        return STATUS_NEW
    return f"already there as “{candidate.existing}”"


class DiscoveryDialog(QDialog):
    """Role name, source, colour rules and a preview; OK reads “Add N profiles”."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        accounts: Sequence[AccountLike],
        existing: Sequence[RoleProfile] = (),
        sources: Sequence[tuple[str, Source]] = (),
        rules: Sequence[ColorRule] = DEFAULT_RULES,
        role_name: str = DEFAULT_ROLE_NAME,
        fallback_color: str = FALLBACK_COLOR,
        discovered_with: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Discover accounts")
        self.setObjectName("discoveryDialog")
        self._accounts = [_as_account(a) for a in accounts]
        self._existing = list(existing)
        self._sources = list(sources) or [("default AWS CLI profile", Source())]
        self._candidates: list[Candidate] = []
        # Account IDs the user unticked; kept across recomputations so editing a
        # rule does not silently tick them again.
        self._unticked: set[str] = set()
        self._filling = False
        # Painting two pixmaps per row made each keystroke cost ~0.1 s with 1,000
        # accounts; a handful of colours repeat, so each is painted once.
        self._swatches = SwatchCache()

        layout = QVBoxLayout(self)
        found = plain(QLabel(self))
        found.setObjectName("discoveryFound")
        found.setTextFormat(Qt.TextFormat.PlainText)
        found.setWordWrap(True)
        noun = "account" if len(self._accounts) == 1 else "accounts"
        found.setText(
            f"{len(self._accounts)} active {noun} found"
            + (f" with “{discovered_with}”." if discovered_with else ".")
        )
        layout.addWidget(found)

        form = QFormLayout()
        self._role_edit = QLineEdit(role_name, self)
        self._role_edit.setObjectName("roleNameEdit")
        self._role_edit.setAccessibleName("Role name in every account")
        self._role_error = plain(QLabel(self))
        self._role_error.setObjectName("roleNameError")
        self._role_error.setTextFormat(Qt.TextFormat.PlainText)
        self._role_error.setWordWrap(True)
        self._role_error.setVisible(False)
        role_box = QVBoxLayout()
        role_box.addWidget(self._role_edit)
        role_box.addWidget(self._role_error)
        role_label = QLabel("&Role name:", self)
        role_label.setBuddy(self._role_edit)  # a layout cannot be a buddy: name the edit
        form.addRow(role_label, role_box)
        self._source_combo = QComboBox(self)
        self._source_combo.setObjectName("sourceCombo")
        for label, _ in self._sources:
            self._source_combo.addItem(label)
        self._source_combo.setEnabled(len(self._sources) > 1)
        form.addRow("Assume &with:", self._source_combo)
        layout.addLayout(form)

        self._rules = ColorRulesEditor(self, rules=rules, fallback_color=fallback_color)
        self._rules.changed.connect(self._recompute)
        layout.addWidget(self._rules)

        self._preview = QTableWidget(0, 5, self)
        self._preview.setObjectName("previewTable")
        self._preview.setHorizontalHeaderLabels(["Add", "Name", "Account", "Colour", "Status"])
        self._preview.verticalHeader().setVisible(False)
        self._preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._preview.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self._preview.horizontalHeader()
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        for column in (COL_ADD, COL_ACCOUNT, COL_COLOR, COL_STATUS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self._preview, 1)

        self._buttons, self._ok = ok_cancel_buttons(self)
        self._ok.setObjectName("addProfilesButton")
        self._buttons.accepted.connect(self.accept)
        self._buttons.rejected.connect(self.reject)
        layout.addWidget(self._buttons)

        self._role_edit.textChanged.connect(self._recompute)
        self._source_combo.currentIndexChanged.connect(self._recompute)
        self._preview.itemChanged.connect(self._on_preview_item_changed)
        self.resize(760, 560)
        self._recompute()

    # --- colour rules ---

    def rules(self) -> list[ColorRule]:
        """The valid rules, in order (empty rows and bad colours are left out)."""
        return self._rules.rules()

    def add_rule(self, rule: ColorRule) -> None:
        """Append ``rule`` (the last rule is tried last)."""
        self._rules.add_rule(rule)

    def set_rule_color(self, row: int, color: str) -> None:
        self._rules.set_rule_color(row, color)

    # --- preview ---

    def role_name(self) -> str:
        return self._role_edit.text().strip()

    def source(self) -> Source:
        return self._sources[max(0, self._source_combo.currentIndex())][1]

    def fallback_color(self) -> str:
        return self._rules.fallback_color()

    @property
    def candidates(self) -> list[Candidate]:
        return list(self._candidates)

    @Slot()
    def _recompute(self) -> None:
        self._rules.mark_problems()
        problem = check_role_name(self.role_name())
        self._role_error.setText(problem or "")
        self._role_error.setVisible(bool(problem))
        if problem:
            self._candidates = []
        else:
            self._candidates = build_candidates(
                self._accounts,
                role_name=self.role_name(),
                rules=self.rules(),
                existing=self._existing,
                source=self.source(),
                fallback_color=self.fallback_color(),
            )
        self._fill_preview()
        self._update_ok()

    def _fill_preview(self) -> None:
        self._filling = True
        self._preview.setUpdatesEnabled(False)
        try:
            self._preview.setRowCount(len(self._candidates))
            for row, candidate in enumerate(self._candidates):
                self._fill_row(row, candidate)
        finally:
            self._preview.setUpdatesEnabled(True)
            self._filling = False

    def _fill_row(self, row: int, candidate: Candidate) -> None:
        add = QTableWidgetItem()
        if candidate.is_new:
            add.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            ticked = candidate.account.id not in self._unticked
            add.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        else:
            add.setFlags(Qt.ItemFlag.NoItemFlags)  # cannot add the same role twice
            add.setCheckState(Qt.CheckState.Unchecked)
        add.setData(ACCOUNT_ID_ROLE, candidate.account.id)
        profile = candidate.profile
        name = QTableWidgetItem(profile.name)
        if candidate.account.name != profile.name:
            name.setToolTip(plain_tooltip(f"Account name: {candidate.account.name}"))
        color = QTableWidgetItem(self._swatches.icon(profile.color), profile.color)
        status = QTableWidgetItem(status_text(candidate))
        for column, item in (
            (COL_ADD, add),
            (COL_NAME, name),
            (COL_ACCOUNT, QTableWidgetItem(profile.account_id)),
            (COL_COLOR, color),
            (COL_STATUS, status),
        ):
            if column != COL_ADD:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            self._preview.setItem(row, column, item)

    @Slot(QTableWidgetItem)
    def _on_preview_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() != COL_ADD:
            return
        account_id = str(item.data(ACCOUNT_ID_ROLE))
        if item.checkState() == Qt.CheckState.Checked:
            self._unticked.discard(account_id)
        else:
            self._unticked.add(account_id)
        self._update_ok()

    def set_ticked(self, account_id: str, ticked: bool) -> None:
        """Tick or untick an account's row, as a click on its box would."""
        for row in range(self._preview.rowCount()):
            item = self._preview.item(row, COL_ADD)
            if item is not None and item.data(ACCOUNT_ID_ROLE) == account_id:
                if item.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                    item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
                return

    def chosen_profiles(self) -> list[RoleProfile]:
        """The new profiles the user kept ticked, in the preview's order."""
        return [
            c.profile for c in self._candidates if c.is_new and c.account.id not in self._unticked
        ]

    def _update_ok(self) -> None:
        count = len(self.chosen_profiles())
        self._ok.setText(f"Add {count} profile" + ("" if count == 1 else "s"))
        self._ok.setEnabled(count > 0)
