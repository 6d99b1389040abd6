"""A period's results: the summary and its text, charts, CSV, XLSX, PDF, the publication."""
