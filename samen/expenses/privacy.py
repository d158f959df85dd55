"""What the expenses app does when a person erases their account (docs/privacy.md).

Expense claims and their payments are supporting documents of the host's books and stay;
their submitter shows as "Former member". What leaves is the person's name on the public
ledger rows of the payments made to them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from samen.communities.models import Collective
from samen.expenses.models import Expense, PayeeKind
from samen.ledger.actions import counterparty_erase

if TYPE_CHECKING:
    from samen.accounts.models import User


def erase_data(user: User) -> None:
    """Erase the person's name from the public ledger rows of the expenses paid to them.

    A payment to an organisation keeps the organisation's name: it names the supplier that
    was paid, not the person who submitted the claim."""
    to_organisation = Q(payee_kind=PayeeKind.ORGANISATION) & ~Q(payee_organisation="")
    theirs = Expense.objects.filter(submitter=user).exclude(to_organisation)
    # The lock order of samen.expenses.actions (collectives, then expenses, by primary key):
    # a payment being posted right now commits first, so its ledger row is found below.
    collective_ids = sorted(set(theirs.values_list("collective_id", flat=True)))
    list(Collective.objects.select_for_update().filter(pk__in=collective_ids).order_by("pk"))
    locked = list(theirs.select_for_update(of=("self",)).order_by("pk").only("pk"))
    counterparty_erase(actor=user, causes=locked)
