"""Charging at the desk (issue 17).

Fiscal authorisations (CAI), invoices, payments, credit notes, company credit and the
cash close.
"""
