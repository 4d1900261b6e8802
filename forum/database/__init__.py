"""Database plumbing below the models: engine set-up per engine (engine) and bulk writes
straight through the driver (bulk)."""
