"""Valuation formulas (R-VAL, R-DEAL-6, R-REG-4): pure Decimal functions, standard library only."""
