"""Mail: the outbox rows, their rendering from Jinja2 templates, and their delivery.

``outbox`` writes and lists rows, ``templates`` renders them (Vietnamese first),
``message`` builds RFC 5322 messages, ``backends`` delivers them (``file`` or ``smtp``)
and ``sender`` drives a batch: claim with a lease, deliver, record, back off.
"""
