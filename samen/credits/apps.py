from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditsConfig(AppConfig):
    name = "samen.credits"
    verbose_name = _("Credits")

    def ready(self) -> None:
        from samen.banking.matching import (
            LineBooking,
            register_line_booking,
            register_line_explainer,
            register_line_matcher,
        )
        from samen.communities.dashboard import (
            DashboardSection,
            InboxItem,
            register_inbox_item,
            register_section,
        )
        from samen.credits.kinds import register_kinds
        from samen.credits.matching import explain_lines, match_settlement
        from samen.credits.queries import deliveries_waiting, settlement_choices

        # Incoming bank lines with a member's settlement communication settle their credit
        # debt (shared import in banking); lines it recognises but will not book get a
        # reason on the bank page.
        register_line_matcher(match_settlement)
        register_line_explainer(explain_lines)
        # Any other incoming line can be booked by hand as a member's settlement.
        register_line_booking(
            LineBooking(
                "settlement",
                _("Book as a credit settlement"),
                _("Settles the debt of…"),
                "credits:bank_line_settle",
                "member",
                settlement_choices,
                order=20,
            )
        )
        register_kinds()

        register_section(DashboardSection("credits", _("Credits"), "credits:dashboard", 55))
        register_inbox_item(
            InboxItem(
                "deliveries",
                _("Deliveries waiting for confirmation"),
                "credits:dashboard",
                lambda host: deliveries_waiting(host).count(),
                query="#deliveries",
                order=50,
            )
        )
