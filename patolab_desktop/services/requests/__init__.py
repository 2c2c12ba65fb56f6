"""Lab requests: entry and its rules, gap-free numbers, pricing and discounts, the list
queries, the workflow (status changes, cancel) and the printed summaries' data."""
