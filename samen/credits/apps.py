from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    name = "samen.credits"
    verbose_name = _("Credits")

    def ready(self) -> None:
        from samen.communities.dashboard import DashboardSection, register_section

        register_section(DashboardSection("credits", _("Credits"), "credits:dashboard", 55))
