"""The discovery dialog's colour rules: "account name contains …" → colour, first match wins.

:class:`ColorRulesEditor` is the "Colour rules" box: a table of rules (text and
a colour combo per row), buttons to add, remove, reorder and reset them, and
the colour for any other account. ``changed`` fires on every edit; rules with
a problem are marked in the table and left out of :meth:`ColorRulesEditor.rules`.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from xacct_gui.core.colors import CONSOLE_COLORS
from xacct_gui.core.discovery import DEFAULT_RULES, FALLBACK_COLOR, ColorRule
from xacct_gui.core.validation import check_color
from xacct_gui.gui.widgets.buttons import side_button
from xacct_gui.gui.widgets.swatches import swatch_icon

# Rule columns.
RULE_TEXT, RULE_COLOR = range(2)
_ERROR_BRUSH = QBrush(QColor("#f8d7da"))


class ColorCombo(QComboBox):
    """The console's five colours with swatches; editable so ``#rrggbb`` works too."""

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for name in CONSOLE_COLORS:
            self.addItem(swatch_icon(name), name)
        self.setCurrentText(color)
        self.setToolTip("A console colour name or #rrggbb")

    def setCurrentText(self, text: str) -> None:
        # An editable combo's setCurrentText only sets its line's text and leaves the
        # current item (and so the swatch) at the first colour: "yellow" showed red.
        index = self.findText(text.strip(), Qt.MatchFlag.MatchFixedString)
        if index >= 0:
            self.setCurrentIndex(index)
        else:
            super().setCurrentText(text)

    def color(self) -> str:
        return self.currentText().strip()


class ColorRulesEditor(QGroupBox):
    """The ordered colour rules and the fallback colour, editable in place."""

    changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        rules: Sequence[ColorRule] = DEFAULT_RULES,
        fallback_color: str = FALLBACK_COLOR,
    ) -> None:
        super().__init__("Colour rules (first match wins; case is ignored)", parent)
        layout = QVBoxLayout(self)
        self._table = QTableWidget(0, 2, self)
        self._table.setObjectName("ruleTable")
        self._table.setHorizontalHeaderLabels(["Account name contains", "Colour"])
        self._table.verticalHeader().setVisible(False)
        self._table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self._table.horizontalHeader()
        header.setSectionResizeMode(RULE_TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(RULE_COLOR, QHeaderView.ResizeMode.ResizeToContents)
        self._table.setMinimumHeight(130)
        layout.addWidget(self._table)

        buttons = QHBoxLayout()
        for name, text, slot in (
            ("addRuleButton", "Add rule", self._on_add_rule),
            ("removeRuleButton", "Remove", self._remove_selected_rule),
            ("ruleUpButton", "Move up", self._move_rule_up),
            ("ruleDownButton", "Move down", self._move_rule_down),
            ("resetRulesButton", "Defaults", self._reset_rules),
        ):
            # Not a default button: Enter in a rule must not add the profiles.
            button = side_button(self, name, text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(QLabel("Any other account:", self))
        self._fallback = ColorCombo(fallback_color, self)
        self._fallback.setObjectName("fallbackColor")
        self._fallback.currentTextChanged.connect(self._on_edited)
        buttons.addWidget(self._fallback)
        layout.addLayout(buttons)

        self._set_rules(rules)
        self._table.itemChanged.connect(self._on_edited)

    # --- public API ---

    def rules(self) -> list[ColorRule]:
        """The valid rules, in order (empty rows and bad colours are left out)."""
        return [rule for rule in self._all_rules() if rule.problem() is None]

    def add_rule(self, rule: ColorRule) -> None:
        """Append ``rule`` (the last rule is tried last)."""
        row = self._append_rule_row(rule)
        self._table.setCurrentCell(row, RULE_TEXT)
        self.changed.emit()

    def set_rule_color(self, row: int, color: str) -> None:
        combo = self._table.cellWidget(row, RULE_COLOR)
        if isinstance(combo, ColorCombo):
            combo.setCurrentText(color)

    def fallback_color(self) -> str:
        """The colour for accounts no rule matches (the default while the typed one is bad)."""
        color = self._fallback.color()
        return color if check_color(color) is None else FALLBACK_COLOR

    def _set_rules(self, rules: Sequence[ColorRule]) -> None:
        self._table.blockSignals(True)
        try:
            self._table.setRowCount(0)
            for rule in rules:
                self._append_rule_row(rule)
        finally:
            self._table.blockSignals(False)

    def _append_rule_row(self, rule: ColorRule) -> int:
        row = self._table.rowCount()
        self._table.insertRow(row)
        self._table.setItem(row, RULE_TEXT, QTableWidgetItem(rule.text))
        combo = ColorCombo(rule.color, self._table)
        combo.currentTextChanged.connect(self._on_edited)
        self._table.setCellWidget(row, RULE_COLOR, combo)
        return row

    def _rule_at(self, row: int) -> ColorRule:
        item = self._table.item(row, RULE_TEXT)
        combo = self._table.cellWidget(row, RULE_COLOR)
        color = combo.color() if isinstance(combo, ColorCombo) else ""
        return ColorRule(item.text() if item is not None else "", color)

    def _all_rules(self) -> list[ColorRule]:
        return [self._rule_at(row) for row in range(self._table.rowCount())]

    @Slot()
    def _on_add_rule(self) -> None:
        self.add_rule(ColorRule("", FALLBACK_COLOR))
        # Straight into typing the text: an empty rule is ignored until it has some.
        item = self._table.item(self._table.currentRow(), RULE_TEXT)
        if item is not None:
            self._table.editItem(item)

    @Slot()
    def _remove_selected_rule(self) -> None:
        row = self._table.currentRow()
        if row >= 0:
            self._table.removeRow(row)
            self.changed.emit()

    @Slot()
    def _move_rule_up(self) -> None:
        self._move_selected_rule(-1)

    @Slot()
    def _move_rule_down(self) -> None:
        self._move_selected_rule(1)

    def _move_selected_rule(self, step: int) -> None:
        row = self._table.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self._table.rowCount():
            return
        rules = self._all_rules()
        rules[row], rules[target] = rules[target], rules[row]
        self._set_rules(rules)
        self._table.setCurrentCell(target, RULE_TEXT)
        self.changed.emit()

    @Slot()
    def _reset_rules(self) -> None:
        self._set_rules(DEFAULT_RULES)
        self._fallback.setCurrentText(FALLBACK_COLOR)
        self.changed.emit()

    def mark_problems(self) -> None:
        """Shade each rule the preview ignores and say why in its tooltip."""
        self._table.blockSignals(True)
        try:
            for row, rule in enumerate(self._all_rules()):
                item = self._table.item(row, RULE_TEXT)
                if item is None:
                    continue
                # A row without text is work in progress (ignored), not an error.
                problem = rule.problem() if rule.text.strip() else None
                if problem:
                    item.setBackground(_ERROR_BRUSH)
                    item.setToolTip(f"Ignored: {problem}")
                else:
                    item.setBackground(QBrush())
                    item.setToolTip("")
        finally:
            self._table.blockSignals(False)

    @Slot()
    def _on_edited(self) -> None:
        self.changed.emit()
