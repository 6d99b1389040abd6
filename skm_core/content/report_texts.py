"""Wording of the exported reports (XLSX, CSV, PDF) and of the summary chart."""

from skm_core.content.models import NonEmpty, Strict


class ReportTexts(Strict):
    title: NonEmpty
