"""Billing screens (issue 17): charge and invoice, cash sessions, fiscal documents,
authorisations, company credit and reports. Rules stay in ``services.billing``."""
