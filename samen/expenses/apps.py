from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpensesConfig(AppConfig):
    name = "samen.expenses"
    verbose_name = _("Expenses")

    def ready(self) -> None:
        # Outgoing bank statement lines pay scheduled expenses (shared import in banking).
        from samen.banking.matching import register_line_matcher
        from samen.expenses.matching import match_outgoing_line

        register_line_matcher(match_outgoing_line)

        from samen.communities.dashboard import (
            DashboardSection,
            InboxItem,
            register_inbox_item,
            register_section,
        )
        from samen.expenses.models import ExpenseStatus
        from samen.expenses.queries import host_expense_count

        register_section(DashboardSection("expenses", _("Expenses"), "expenses:host_dashboard", 15))
        for key, label, status, order in [
            ("expenses_to_approve", _("Expenses to approve"), ExpenseStatus.PENDING, 20),
            ("expenses_to_pay", _("Expenses to pay"), ExpenseStatus.APPROVED, 21),
        ]:
            register_inbox_item(
                InboxItem(
                    key,
                    label,
                    "expenses:host_dashboard",
                    partial(host_expense_count, status=status),
                    query=f"?status={status}",
                    order=order,
                )
            )
