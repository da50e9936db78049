"""The only SQLAlchemy importer: engine, typed row models, repositories, audit chain, migrations."""
