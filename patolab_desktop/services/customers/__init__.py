"""Customers (patients and companies): the records and their rules, the search, the patient
import and the CSV exports."""
