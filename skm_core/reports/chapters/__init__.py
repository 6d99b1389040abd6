"""The chapters of the printed report, each from the summary and the unit's templates."""
