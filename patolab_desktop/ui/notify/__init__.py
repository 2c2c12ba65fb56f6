"""WhatsApp notifications on screen (issue 18): the messages of a request or a patient,
the outbox window, the settings dialog, the sender's worker thread and the queue size in
the main window."""
