"""Periods and dates: report periods in the unit's timezone, and how they are said in Indonesian."""
