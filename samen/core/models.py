"""Tables of the platform itself (no domain knowledge)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One due run of a periodic job, claimed by the scheduler that inserted it.

    The unique (job, slot) pair is the lock: however many schedulers run, only one insert
    per slot succeeds, so each run is enqueued once.
    """

    job = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("due at"))
    claimed_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_result_id = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="core_scheduledrun_once"),
        ]
        ordering = ["-slot"]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M}"
