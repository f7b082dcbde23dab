"""Deadlines, timers and reminders: written on entering a state, swept by one job.

``listener`` keeps a product's rows in step with its state (the workflow loader imports
it, so it is registered wherever the engine runs); ``sweep`` acts on the rows that are
due; ``runner`` holds the one APScheduler job; ``bulk`` plans rows for imported products.
"""
