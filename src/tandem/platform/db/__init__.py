"""Database plumbing: declarative base, portable types, engine, unit of work, repositories, migrations."""
