"""Exchange staff keep the benchmark tables in the Django admin by adding rows (history kept)."""

from valuation.models import BenchmarkRent


def test_exchange_staff_add_a_benchmark_rent_in_the_admin(client, staff_user, county):
    # given an exchange staff member without per-model permissions
    client.force_login(staff_user)
    assert client.get("/django-admin/valuation/benchmarkrent/").status_code == 200
    # when they add a row
    response = client.post(
        "/django-admin/valuation/benchmarkrent/add/",
        {
            "county": county.pk,
            "township": "",
            "effective_from": "2026-12-01",
            "source": "县农业农村局 2027 基准",
            "land_class": "paddy",
            "rent_per_mu_year_fen": "52000",
        },
    )
    # then it is saved with who entered it
    assert response.status_code == 302, response.content.decode()[:2000]
    row = BenchmarkRent.objects.get()
    assert row.created_by == staff_user and row.rent_per_mu_year_fen == 52_000


def test_staff_cannot_edit_an_existing_row_in_the_admin(client, staff_user, tables):
    # history is what earlier reports were computed from
    client.force_login(staff_user)
    row = BenchmarkRent.objects.first()
    response = client.post(
        f"/django-admin/valuation/benchmarkrent/{row.pk}/change/",
        {
            "county": row.county_id,
            "effective_from": "2026-01-01",
            "source": row.source,
            "land_class": row.land_class,
            "rent_per_mu_year_fen": "1",
        },
    )
    assert response.status_code in (200, 403)
    row.refresh_from_db()
    assert row.rent_per_mu_year_fen != 1


def test_households_cannot_open_the_tables(client, county):
    from tests import factories

    client.force_login(factories.UserFactory(role="household"))
    response = client.get("/django-admin/valuation/benchmarkrent/")
    assert response.status_code == 302  # to the admin login
