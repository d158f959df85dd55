from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_home_lists_hosts_and_collectives(client: Client) -> None:
    from samen.communities.models import Collective, Host

    host = Host.objects.create(name="Brussels Commons", slug="brussels-commons")
    Collective.objects.create(name="Brasserie du Quartier", slug="brasserie", host=host)
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Brussels Commons" in body
    assert "Brasserie du Quartier" in body


def test_healthz_reports_database_and_migrations(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert data["database"] is True
    assert data["migrations_applied"] is True


def test_robots_keeps_crawlers_out_of_accounts_and_the_api(client):
    answer = client.get("/robots.txt")
    assert answer["Content-Type"] == "text/plain"
    lines = answer.content.decode().splitlines()
    assert "Disallow: /api/" in lines
    assert "Disallow: /accounts/" in lines
    assert "Disallow: /collectives/" not in lines
