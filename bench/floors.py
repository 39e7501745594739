"""The raw SQL that computes each page's figures: the SQL half of its floor (the other half is a
bare page of the same size). Each builder takes the bench context and returns the statements, run
in turn under EXPLAIN ANALYZE and rolled back (bench/harness.py)."""

import datetime as dt

Statements = list[tuple[str, list]]

# Each commune's population of the year and its enrolled count at the year's last month that has one.
COMMUNE_FIGURES = """
SELECT u.id, u.code, u.name, p.population, e.enrolled, e.month
FROM communes_unit u
LEFT JOIN communes_population p ON p.unit_id = u.id AND p.year = %s
LEFT JOIN LATERAL (
    SELECT enrolled, month FROM communes_enrollment
    WHERE unit_id = u.id AND month BETWEEN %s AND %s ORDER BY month DESC LIMIT 1
) e ON true
"""

# The latest issued document's rate per unit for the year (a later document supersedes).
TARGETS = """
SELECT DISTINCT ON (t.unit_id) t.unit_id, t.rate, d.number
FROM targets_target t JOIN targets_targetdocument d ON d.id = t.document_id
WHERE t.year = %s AND t.unit_id IN ({units})
ORDER BY t.unit_id, d.issued_on DESC, d.id DESC
"""

SERIES = """SELECT parent_id, month, enrolled, population, reported FROM communes_monthlyrollup
WHERE parent_id IN ({parents}) AND month BETWEEN %s AND %s ORDER BY parent_id, month"""

IN_FORCE = "(u.valid_from IS NULL OR u.valid_from <= %s) AND (u.valid_to IS NULL OR u.valid_to >= %s)"


def year_bounds(year: int) -> list:
    return [year, dt.date(year, 1, 1), dt.date(year, 12, 1)]


def _two_years(year: int) -> list:
    """The chart's and the comparisons' months: the year and the one before."""
    return [dt.date(year - 1, 1, 1), dt.date(year, 12, 1)]


def area_page(area_key: str):
    """A dashboard ranking an area's communes: each commune's figures, the area's monthly sums
    for the chart and the projection, the targets of the area and its communes."""

    def sql(ctx) -> Statements:
        area, year = ctx[area_key].pk, ctx["year"]
        children = "SELECT id FROM communes_unit WHERE parent_id = %s"
        return [
            (
                COMMUNE_FIGURES + f" WHERE u.parent_id = %s AND {IN_FORCE} ORDER BY u.code",
                [*year_bounds(year), area, dt.date(year, 12, 31), dt.date(year, 1, 1)],
            ),
            (SERIES.format(parents="%s"), [area, *_two_years(year)]),
            (TARGETS.format(units=f"{children} UNION SELECT %s"), [year, area, area]),
        ]

    return sql


def ranking_page(parents_sql: str, params_of, *, through_districts: bool = False):
    """A page ranking areas (the country's provinces, a province's districts) from the roll-up:
    the areas' monthly sums over two years and their targets. Before the reform a province's sums
    are its districts' added up."""

    def sql(ctx) -> Statements:
        year, params = ctx["year"], params_of(ctx)
        if through_districts:
            series = (
                "SELECT d.parent_id, r.month, SUM(r.enrolled), SUM(r.population), SUM(r.reported) "
                "FROM communes_monthlyrollup r JOIN communes_unit d ON d.id = r.parent_id "
                f"WHERE d.parent_id IN ({parents_sql}) AND r.month BETWEEN %s AND %s GROUP BY 1, 2"
            )
        else:
            series = SERIES.format(parents=parents_sql)
        return [(series, [*params, *_two_years(year)]), (TARGETS.format(units=parents_sql), [year, *params])]

    return sql


def commune_page(ctx) -> Statements:
    commune = ctx["commune"].pk
    return [
        (
            """SELECT e.month, e.enrolled, p.population FROM communes_enrollment e
            LEFT JOIN communes_population p ON p.unit_id = e.unit_id AND p.year = EXTRACT(YEAR FROM e.month)
            WHERE e.unit_id = %s ORDER BY e.month""",
            [commune],
        ),
        (
            """SELECT t.year, t.rate, d.number, d.issued_on FROM targets_target t
            JOIN targets_targetdocument d ON d.id = t.document_id WHERE t.unit_id = %s ORDER BY t.year""",
            [commune],
        ),
    ]


def grid(area_key: str):
    """The grid's rows: each commune's population, this month's count with its version, last month's."""

    def sql(ctx) -> Statements:
        month = ctx["month"]
        previous = (month - dt.timedelta(days=1)).replace(day=1)
        return [
            (
                """SELECT u.id, p.population, e.enrolled, e.version, l.enrolled FROM communes_unit u
            LEFT JOIN communes_population p ON p.unit_id = u.id AND p.year = %s
            LEFT JOIN communes_enrollment e ON e.unit_id = u.id AND e.month = %s
            LEFT JOIN communes_enrollment l ON l.unit_id = u.id AND l.month = %s
            WHERE u.parent_id = %s AND u.level = 'commune' ORDER BY u.code""",
                [month.year, month, previous, ctx[area_key].pk],
            )
        ]

    return sql


def save(area_key: str):
    def sql(ctx) -> Statements:
        return [
            (
                """UPDATE communes_enrollment SET enrolled = enrolled + 1, version = version + 1
                 WHERE month = %s AND unit_id IN (SELECT id FROM communes_unit WHERE parent_id = %s)""",
                [ctx["month"], ctx[area_key].pk],
            )
        ]

    return sql


ANNEX = """SELECT t.row_number, u.name, t.year, t.planned_population, t.planned_enrolled, t.rate,
                  r.population, r.enrolled, r.rate
           FROM targets_target t JOIN communes_unit u ON u.id = t.unit_id
           LEFT JOIN targets_reportedfigure r ON r.document_id = t.document_id AND r.unit_id = t.unit_id
           WHERE t.document_id = %s ORDER BY t.row_number, t.year"""


def annex(key: str):
    def sql(ctx) -> Statements:
        return [(ANNEX, [ctx[key].pk if ctx.get(key) else 0])]

    return sql


def annex_actuals(key: str):
    """The annex, and each listed unit's figures for the plan year and the year before."""

    def sql(ctx) -> Statements:
        document, year = ctx[key].pk if ctx.get(key) else 0, ctx["year"]
        listed = "SELECT unit_id FROM targets_target WHERE document_id = %s"
        figures = COMMUNE_FIGURES + f" WHERE u.id IN ({listed})"
        return [
            (ANNEX, [document]),
            (figures, [*year_bounds(year - 1), document]),
            (figures, [*year_bounds(year), document]),
        ]

    return sql
