"""The communes app's models, one module per concern; imported from here as `communes.models`."""

from .access import Assignment, Role
from .audit import AppendOnlyQuerySet, ChangeRecord, MonthReopening
from .counts import CountQuerySet, Enrollment, EnrollmentByGroup, PayerGroup, Population
from .rollup import MonthlyRollup
from .units import Level, Unit, UnitAlias, UnitQuerySet, UnitSuccession

__all__ = [
    "AppendOnlyQuerySet",
    "Assignment",
    "ChangeRecord",
    "CountQuerySet",
    "Enrollment",
    "EnrollmentByGroup",
    "Level",
    "MonthReopening",
    "MonthlyRollup",
    "PayerGroup",
    "Population",
    "Role",
    "Unit",
    "UnitAlias",
    "UnitQuerySet",
    "UnitSuccession",
]
