from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "samen.invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        from samen.banking.matching import register_line_explainer, register_line_matcher
        from samen.communities.dashboard import DashboardSection, register_section
        from samen.invoicing.matching import explain_lines, match_invoice_payment

        # Incoming bank lines pay invoices by structured communication (bank import in
        # banking); lines it recognises but will not book get a reason on the bank page.
        register_line_matcher(match_invoice_payment)
        register_line_explainer(explain_lines)

        register_section(
            DashboardSection("invoicing", _("Invoices"), "invoicing:host_documents", 60)
        )
