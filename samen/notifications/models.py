"""In-app notifications and each person's choice of how to receive every kind."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

from samen.notifications.registry import Delivery, get_kind


class Preference(models.Model):
    """One person's choice for one kind; without a row the kind's default applies."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_prefs"
    )
    kind = models.CharField(_("kind"), max_length=60)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.kind} · {self.delivery}"


class Notification(models.Model):
    """Something happened that ``recipient`` should know about.

    ``delivery`` is decided once, when the notification is made, from the recipient's
    preference at that moment. ``emailed_at`` and ``digested_at`` are set in the same
    transaction that queues the e-mail, under a row lock, which is what makes sending once.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=60)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    data = models.JSONField(_("data"), default=dict, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    delivery = models.CharField(_("delivery"), max_length=10, choices=Delivery.choices)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    digested_at = models.DateTimeField(_("in a digest"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notifications_unread"),
            models.Index(
                fields=["delivery", "digested_at", "recipient"], name="notifications_digest"
            ),
            models.Index(fields=["target_type", "target_id"], name="notifications_target"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient}"

    @property
    def text(self) -> str:
        """The message in the active language."""
        try:
            return get_kind(self.kind).render(self.data)
        except KeyError:
            return str(self.data.get("title", ""))

    @property
    def is_unread(self) -> bool:
        return self.read_at is None
