from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InvoicingConfig(AppConfig):
    name = "samen.invoicing"
    verbose_name = _("Invoicing")

    def ready(self) -> None:
        from samen.communities.dashboard import DashboardSection, register_section

        register_section(
            DashboardSection("invoicing", _("Invoices"), "invoicing:host_documents", 60)
        )
