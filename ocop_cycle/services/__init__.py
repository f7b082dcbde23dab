"""Services: each public function is one unit of work over a ``Runtime``."""
