"""The host's bank accounts beyond its main IBAN (``Host.iban``)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HostBankAccount(models.Model):
    """Another account of a host (a savings account, a second bank): its statements may be
    imported too. The host's main IBAN is always one of its accounts."""

    host = models.ForeignKey(
        "communities.Host",
        verbose_name=_("host"),
        on_delete=models.CASCADE,
        related_name="bank_accounts",
    )
    iban = models.CharField(_("IBAN"), max_length=34)
    label = models.CharField(_("label"), max_length=80, blank=True)

    class Meta:
        verbose_name = _("host bank account")
        verbose_name_plural = _("host bank accounts")
        constraints = [
            models.UniqueConstraint(fields=["host", "iban"], name="banking_account_once"),
        ]

    def __str__(self) -> str:
        return self.label or self.iban
