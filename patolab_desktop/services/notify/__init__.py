"""WhatsApp notifications to the patient (issue 18).

``outbox`` (rows queued in the request's own transaction; listing, counts, retry, cancel,
click-to-chat), ``recipients`` (who may get a message: consent, block, number, a moved
request), ``phones`` (E.164 mobile numbers), ``events`` (events, Spanish texts, expiry),
``errors`` (Cloud API error classes and their reasons in words), ``config`` (settings and
the token in the OS credential store, the stop-all switch) and ``sender`` (claims rows,
posts one HTTP request per message outside the transaction, backoff).
"""
