from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "samen.funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        from samen.banking.matching import (
            LineBooking,
            register_line_booking,
            register_line_matcher,
        )
        from samen.communities.access import Need
        from samen.communities.dashboard import (
            DashboardSection,
            InboxItem,
            register_inbox_item,
            register_section,
        )
        from samen.funding.access import register_comments
        from samen.funding.actions.bank_matching import match_incoming_by_communication
        from samen.funding.queries import gift_choices, unmatched_lines

        register_comments()
        # Incoming bank lines pay contributions by structured communication.
        register_line_matcher(match_incoming_by_communication)
        # A transfer that came without a contribution is booked as a gift by hand.
        register_line_booking(
            LineBooking(
                "gift",
                _("Book as a gift"),
                _("Gift to…"),
                "funding:bank_line_gift",
                "collective",
                gift_choices,
                order=10,
            )
        )

        register_section(
            DashboardSection(
                "bank", _("Bank statements"), "funding:dashboard_bank", 40, Need.HOST_ADMIN
            )
        )
        register_section(
            DashboardSection(
                "refunds", _("Refunds to pay"), "funding:dashboard_refunds", 41, Need.HOST_ADMIN
            )
        )
        register_section(
            DashboardSection(
                "added_funds",
                _("Added funds"),
                "funding:dashboard_added_funds",
                42,
                Need.HOST_ADMIN,
            )
        )
        register_section(
            DashboardSection(
                "guests", _("Guests' data"), "funding:dashboard_guests", 43, Need.HOST_ADMIN
            )
        )
        register_inbox_item(
            InboxItem(
                "bank_lines",
                _("Bank lines waiting"),
                "funding:dashboard_bank",
                lambda host: unmatched_lines(host).count(),
                order=30,
                need=Need.HOST_ADMIN,
            )
        )
