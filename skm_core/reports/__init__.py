"""Exports of a period's survey results for officials: chart (PNG), CSV, XLSX and PDF."""
