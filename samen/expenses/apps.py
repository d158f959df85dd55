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
