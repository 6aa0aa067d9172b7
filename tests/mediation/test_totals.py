"""The roll-ups (`DailyTotal`, `MonthlyTotal`) stay exact whatever writes the lines: random sequences of every write
path, then every roll-up row and every report figure compared with the raw lines."""

import io
import random
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.deletion import ProtectedError
from django.db.models.functions import Coalesce, TruncMonth
from django.urls import reverse

from mediation import totals
from mediation.interchange import COLUMNS
from mediation.models import (
    ActivityType,
    AgencyMonthlyTotal,
    DailyTotal,
    Intervention,
    MonthlyTotal,
    Person,
    ReferralMode,
    TallyTap,
)
from mediation.models.interventions import QPV_LOOKUP
from mediation.models.totals import AGENCY_DIMENSIONS
from mediation.services import delete_intervention, record_intervention, update_intervention
from mediation.services.interventions import record_tally_tap, undo_tally_tap
from partners.services.retention import erase_personal_text
from reporting.dashboard import build_dashboard
from reporting.indicators import EVALUATION_CODES, REGISTRY, Period, compute
from tests.mediation.factories import PersonFactory, QpvFactory

DIMENSIONS = ["date", "territory_id", "activity_type_id", "mode", "site_id", "team_id", "author_id"]
FIRST, LAST = date(2025, 11, 1), date(2026, 2, 28)


def _days():
    return (LAST - FIRST).days


def lines_grouped(month: bool) -> dict:
    rows = Intervention.objects.order_by()
    if month:
        rows = rows.annotate(bucket=TruncMonth("date"))
    key = ["bucket" if month and name == "date" else name for name in DIMENSIONS]
    grouped = rows.values(*key).annotate(
        n=Count("id"),
        c=Sum("count"),
        w=Sum("women"),
        m=Sum("men"),
        u=Sum("unknown"),
        d=Coalesce(Sum("duration_minutes"), 0),
    )
    result = {}
    for row in grouped:
        bucket = row.pop("bucket") if month else row.pop("date")
        if hasattr(bucket, "date") and callable(bucket.date):
            bucket = bucket.date()
        result[(bucket, *(row[name] for name in DIMENSIONS[1:]))] = (
            row["n"],
            row["c"],
            row["w"],
            row["m"],
            row["u"],
            row["d"],
        )
    return result


def totals_grouped(model, dimensions=DIMENSIONS) -> dict:
    result = {}
    for row in model.objects.values(*dimensions, "lines", "count", "women", "men", "unknown", "duration_minutes"):
        sums = (row["lines"], row["count"], row["women"], row["men"], row["unknown"], row["duration_minutes"])
        if any(sums):
            result[tuple(row[name] for name in dimensions)] = sums
    return result


def agency_grouped(month_lines: dict) -> dict:
    """The monthly sums folded over team and mediator (what the agency-wide roll-up holds)."""
    result = {}
    for key, sums in month_lines.items():
        folded = key[:5]
        result[folded] = tuple(a + b for a, b in zip(result.get(folded, (0,) * 6), sums, strict=True))
    return {key: sums for key, sums in result.items() if any(sums)}


def assert_exact():
    assert totals_grouped(DailyTotal) == lines_grouped(month=False)
    monthly = lines_grouped(month=True)
    assert totals_grouped(MonthlyTotal) == monthly
    assert totals_grouped(AgencyMonthlyTotal, AGENCY_DIMENSIONS) == agency_grouped(monthly)
    # No roll-up row ever goes negative.
    assert not DailyTotal.objects.filter(Q(lines__lt=0) | Q(count__lt=0) | Q(women__lt=0)).exists()


def assert_figures_match(world):
    """Every sum indicator of the registry, read from the roll-ups, equals the same read from the lines: several
    periods (whole months, partial months, across a year end), breakdowns and filters."""
    codes = [code for code, indicator in REGISTRY.items() if not (indicator.is_followup or indicator.is_partner)]
    codes = [code for code in codes if not REGISTRY[code].is_register]
    periods = [
        Period(FIRST, LAST),
        Period(date(2025, 11, 17), date(2026, 1, 9)),
        Period(date(2025, 12, 1), date(2025, 12, 31)),
        Period(date(2026, 2, 3), date(2026, 2, 3)),
        Period.year(2026),
    ]
    wheres = [
        None,
        Q(territory=world.territory_a),
        QPV_LOOKUP,
        ~QPV_LOOKUP,
        Q(team=world.team_b) | Q(author=world.mediator),
        Q(site=world.site_a, date__gte=date(2025, 12, 10), date__lte=date(2026, 1, 20)),
    ]
    for period in periods:
        for by in [("year", "territory"), ("month",), ("team",), ("mediator",), ()]:
            for where in wheres:
                from_totals = compute(codes, period=period, by=by, where=where)
                from_lines = compute(
                    codes, period=period, by=by, where=where, interventions=Intervention.objects.all()
                )
                assert from_totals.values == from_lines.values, (period, by, where)


class Writer:
    """Applies random writes through every path that creates, changes or deletes lines."""

    def __init__(self, world, seed, tmp_path):
        self.world = world
        self.random = random.Random(seed)
        self.tmp_path = tmp_path
        self.activities = list(ActivityType.objects.filter(is_active=True))
        self.persons = [PersonFactory(territory=world.territory_a, team=world.team_a) for _ in range(3)]
        self.imported = 0

    def place(self):
        world = self.world
        territory, site, author = self.random.choice(
            [
                (world.territory_a, world.site_a, world.mediator),
                (world.territory_a, None, world.mediator),
                (world.territory_b, world.site_b, world.mediator_other_team),
                (world.territory_b, None, world.mediator_other_team),
            ]
        )
        return territory, site, author

    def day(self):
        return FIRST + timedelta(days=self.random.randrange(_days() + 1))

    def lines(self):
        return list(Intervention.objects.order_by("pk").values_list("pk", flat=True))

    def a_line(self):
        pks = self.lines()
        return Intervention.objects.get(pk=self.random.choice(pks)) if pks else None

    # --- the paths -------------------------------------------------------------------------------------------
    def entry(self):
        territory, site, author = self.place()
        activity = self.random.choice(self.activities)
        duration = self.random.choice([None, 15, 45, 120])
        person = self.random.choice([None, None, *self.persons]) if territory == self.world.territory_a else None
        record_intervention(
            actor=author,
            date=self.day(),
            territory=territory,
            site=site,
            activity_type=activity,
            count=self.random.randint(1, 4),
            women=self.random.randint(0, 2),
            men=self.random.randint(0, 2),
            duration_minutes=duration,
            mode=self.random.choice(ReferralMode.values) if activity.uses_mode else "",
            person=person,
            note="vu au pied de l'immeuble" if person else "",
        )

    def edit(self):
        line = self.a_line()
        if line is None:
            return
        changes = self.random.choice(
            [
                {"count": self.random.randint(1, 9)},
                {"women": self.random.randint(0, 5), "men": self.random.randint(0, 5)},
                {"date": self.day()},
                {"duration_minutes": self.random.choice([None, 30, 90])},
                {"activity_type": self.random.choice(self.activities)},
                {"site": None},
            ]
        )
        update_intervention(actor=self.world.director, intervention=line, **changes)

    def delete(self):
        line = self.a_line()
        if line is not None:
            delete_intervention(actor=self.world.director, intervention=line)

    def tally(self):
        territory, site, author = self.place()
        record_tally_tap(
            actor=author,
            uuid=None,
            date=self.day(),
            territory=territory,
            site=site,
            activity_type=self.random.choice(self.activities[:3]),
            women=self.random.randint(0, 1),
        )

    def undo(self):
        tap = TallyTap.objects.filter(undone_at__isnull=True).order_by("?").first()
        if tap is not None:
            undo_tally_tap(actor=tap.author, tap=tap)

    def import_file(self):
        rows = []
        for _ in range(self.random.randint(1, 6)):
            territory, site, author = self.place()
            activity = self.random.choice(self.activities)
            # Re-importing an external id already imported changes that line.
            external = f"x{self.random.randrange(self.imported + 3)}"
            rows.append(
                [
                    self.day().isoformat(),
                    territory.code,
                    site.name if site else "",
                    author.username,
                    activity.code,
                    "",
                    str(self.random.randint(1, 5)),
                    str(self.random.randint(0, 2)),
                    "",
                    "",
                    self.random.choice(["", "60"]),
                    "",
                    external,
                    "",
                ]
            )
        seen, unique_rows = set(), []
        for row in rows:
            if row[12] not in seen:
                seen.add(row[12])
                unique_rows.append(row)
        path = self.tmp_path / f"import-{self.imported}.csv"
        path.write_text(",".join(COLUMNS) + "\n" + "\n".join(",".join(row) for row in unique_rows) + "\n")
        self.imported += 1
        call_command("import_interventions", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    def retention(self):
        erase_personal_text([person.pk for person in Person.objects.all()])

    def bulk_update(self):
        pks = self.lines()[: self.random.randint(0, 5)]
        Intervention.objects.filter(pk__in=pks).update(
            team=self.random.choice([None, self.world.team_a]), count=self.random.randint(1, 3)
        )

    def raw_sql(self):
        pks = self.lines()[-3:]
        if pks:
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE mediation_intervention SET men = men + 1, date = %s WHERE id IN ("
                    + ", ".join("%s" for _ in pks)
                    + ")",
                    [self.day(), *pks],
                )

    def step(self):
        path = self.random.choice(
            [self.entry] * 5
            + [self.edit] * 3
            + [self.delete] * 2
            + [self.tally] * 3
            + [self.undo, self.import_file, self.retention, self.bulk_update, self.raw_sql]
        )
        try:
            path()
        except (ValidationError, ProtectedError, CommandError):
            pass  # a refused write must leave the roll-ups as they were: checked below like any other


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_sequences_of_every_write_path_keep_the_roll_ups_exact(world, tmp_path, seed):
    qpv = QpvFactory()
    world.site_a.qpv = qpv
    world.site_a.save()
    writer = Writer(world, seed, tmp_path)
    for step in range(60):
        writer.step()
        if step % 20 == 19:
            assert_exact()
    assert Intervention.objects.count() > 10
    assert_exact()
    assert_figures_match(world)


def test_dashboard_figures_equal_the_lines(world):
    writer = Writer(world, 7, None)
    for _ in range(40):
        try:
            writer.entry()
        except ValidationError:
            pass
    anchor = date(2026, 1, 15)
    board = build_dashboard(user=world.director, kind="month", anchor=anchor, group="team", today=date(2026, 1, 20))
    current = board.comparison.current
    expected = Intervention.objects.in_period(current.start, current.end).aggregate(n=Sum("count"))["n"] or 0
    assert board.totals.current_total == expected
    assert expected > 0


def test_rebuild_gives_back_the_same_roll_ups(world):
    writer = Writer(world, 11, None)
    for _ in range(30):
        try:
            writer.entry()
        except ValidationError:
            pass
    before = (
        totals_grouped(DailyTotal),
        totals_grouped(MonthlyTotal),
        totals_grouped(AgencyMonthlyTotal, AGENCY_DIMENSIONS),
    )
    DailyTotal.objects.all().delete()
    AgencyMonthlyTotal.objects.all().delete()
    totals.rebuild()
    assert (
        totals_grouped(DailyTotal),
        totals_grouped(MonthlyTotal),
        totals_grouped(AgencyMonthlyTotal, AGENCY_DIMENSIONS),
    ) == before


def test_pieces_cover_a_period_with_whole_months_and_edge_days():
    assert totals.pieces(date(2026, 1, 10), date(2026, 4, 2)) == [
        (DailyTotal, date(2026, 1, 10), date(2026, 1, 31)),
        (MonthlyTotal, date(2026, 2, 1), date(2026, 3, 31)),
        (DailyTotal, date(2026, 4, 1), date(2026, 4, 2)),
    ]
    assert totals.pieces(date(2024, 2, 1), date(2024, 2, 29)) == [(MonthlyTotal, date(2024, 2, 1), date(2024, 2, 29))]
    assert totals.pieces(date(2026, 12, 1), date(2026, 12, 2)) == [(DailyTotal, date(2026, 12, 1), date(2026, 12, 2))]
    assert totals.pieces(date(2026, 3, 5), date(2026, 3, 4)) == []
    # The ends of the calendar (a list filtered from 31/12/9999, or up to 01/01/0001).
    assert totals.pieces(date.max, date.max) == [(DailyTotal, date.max, date.max)]
    assert totals.pieces(date.min, date.min) == [(DailyTotal, date.min, date.min)]
    assert totals.pieces(date(9999, 12, 5), date.max) == [(DailyTotal, date(9999, 12, 5), date.max)]
    assert totals.pieces(date.min, date(1, 1, 20)) == [(DailyTotal, date.min, date(1, 1, 20))]
    assert totals.pieces(date.min, date.max)[0] == (MonthlyTotal, date.min, date.max)


def test_the_evaluation_reads_roll_ups_not_lines(world, django_assert_max_num_queries):
    from django.test.utils import CaptureQueriesContext

    from reporting.evaluation import build_evaluation

    with CaptureQueriesContext(connection) as captured:
        build_evaluation(2025, 2026)
    sql = " ".join(query["sql"] for query in captured.captured_queries)
    assert "mediation_agencymonthlytotal" in sql
    assert '"mediation_intervention"' not in sql and " mediation_intervention " not in sql
    assert EVALUATION_CODES


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"start": "2025-11-17", "end": "2026-01-09"},
        {"start": "2025-12-01"},
        {"end": "2026-01-31", "family": "conflict"},
        {"territory": "A", "end": "2025-12-24"},
        {"start": "2026-01-05", "end": "2026-01-04"},  # refused: the end precedes the start
        {"start": "pas une date", "team": "B"},
    ],
)
def test_list_totals_read_from_roll_ups_equal_the_lines(world, client, query):
    writer = Writer(world, 5, None)
    for _ in range(40):
        try:
            writer.entry()
        except ValidationError:
            pass
    query = {**query}
    if query.get("territory") == "A":
        query["territory"] = world.territory_a.pk
    if query.get("team") == "B":
        query["team"] = world.team_b.pk
    client.force_login(world.director)
    response = client.get(reverse("mediation:team_interventions"), query)
    assert response.status_code == 200
    totals_shown = response.context["totals"]
    lines = response.context["page"].paginator.object_list
    expected = lines.aggregate(n=Count("id"), acts=Coalesce(Sum("count"), 0), women=Coalesce(Sum("women"), 0))
    assert (totals_shown["lines"], totals_shown["acts"], totals_shown["women"]) == (
        expected["n"],
        expected["acts"],
        expected["women"],
    )


def test_the_triggers_survive_every_migration(db):
    """SQLite drops a table's triggers when a migration alters it (0015 does): `migrate` puts them back."""
    assert totals.installed_triggers(connection) == {
        "mediation_line_totals_insert",
        "mediation_line_totals_update",
        "mediation_line_totals_delete",
    }
    with connection.cursor() as cursor:
        for statement in totals.uninstall_statements(connection.vendor):
            cursor.execute(statement)
    assert totals.ensure_installed() is True
    assert len(totals.installed_triggers(connection)) == 3
    assert totals.ensure_installed() is False


def test_the_check_command_finds_a_drift_and_rebuild_repairs_it(world):
    writer = Writer(world, 13, None)
    for _ in range(10):
        try:
            writer.entry()
        except ValidationError:
            pass
    out = io.StringIO()
    call_command("check_line_totals", stdout=out)
    assert "Totaux exacts" in out.getvalue()
    MonthlyTotal.objects.update(count=0)  # what a load with the triggers off would leave
    with pytest.raises(CommandError, match="ne correspondent pas.*--rebuild"):
        call_command("check_line_totals", stdout=io.StringIO())
    out = io.StringIO()
    call_command("check_line_totals", "--rebuild", stdout=out)
    assert "Totaux recalculés" in out.getvalue() and "Totaux exacts" in out.getvalue()
    assert_exact()
