"""The production static files build: hashed names, every reference between files resolved."""

from __future__ import annotations

from pathlib import Path

from django.core.management import call_command


def test_collectstatic_resolves_every_reference(settings, tmp_path: Path) -> None:
    # Production uses WhiteNoise's subclass of this storage, which adds compression (slow,
    # and not what can break); a file naming a missing one fails here as it does there.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "vendor/htmx-2.0.11/htmx.min.js" in manifest
    assert list(tmp_path.glob("vendor/bootstrap-5.3.8/bootstrap.bundle.min.*.js"))
